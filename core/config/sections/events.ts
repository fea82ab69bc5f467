import { option, section } from '../option.js';
import { durationMs, positiveInt } from '../parsers.js';

export const events = section('events', {
  topicReplicationFactor: option({
    env: 'KAFKA_TOPIC_REPLICATION_FACTOR',
    default: '1',
    doc: 'Replication factor of the topics `vigil migrate` creates (1 for the single local broker; 3 in production, with min.insync.replicas 2).',
    schema: positiveInt,
  }),
  maxFutureSkewMs: option({
    env: 'VIGIL_MAX_FUTURE_SKEW',
    default: '5m',
    doc: 'How far after its receive time a reading may be stamped before it is dead-lettered as ABSURD_TIMESTAMP (device clock skew).',
    schema: durationMs,
  }),
});
