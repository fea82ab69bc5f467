/**
 * Every Kafka topic Vigil uses, declared once: name (behind `general.topicPrefix`), partitions, retention,
 * cleanup policy and value schema. `vigil migrate` creates them from here (adapters/kafka/topics.ts), the
 * registry adapter registers `<topic>-value` subjects from here, and every role looks names up here.
 * Pure: no Kafka client.
 *
 * Partition counts are the unit of consumer parallelism and cannot shrink; the per-key order they preserve is
 * what determinism rests on, so growing them later re-shuffles keys: sized once, generously for sensors.
 *
 * Retention is by size, not time, for every topic whose record timestamp is an event time (readings, orders,
 * inferences, alerts): Kafka deletes a segment once its newest timestamp is older than retention.ms, so a
 * backfill or a file import of last month's readings would vanish before the processors read it. Size-bounded
 * retention keeps recent traffic whatever its event times; ClickHouse is the long-term store.
 */
import type { SchemaName } from './events/schema-names.js';

const DAY_MS = 86_400_000;
const GIB = 1024 ** 3;

export type CleanupPolicy = 'delete' | 'compact';

export interface TopicDeclaration<S extends SchemaName = SchemaName> {
  /** Topic name after the prefix. */
  readonly suffix: string;
  readonly partitions: number;
  /** retention.ms; -1: no time limit (compacted topics keep the latest record per key). */
  readonly retentionMs: number;
  /** retention.bytes per partition; -1: no size limit. */
  readonly retentionBytes: number;
  readonly cleanupPolicy: CleanupPolicy;
  readonly valueSchema: S;
  /** What the record key is (documentation for producers; the key is a UTF-8 string). */
  readonly key: string;
}

export const TOPIC_DECLARATIONS = {
  sensorReadings: {
    suffix: 'sensor-readings',
    partitions: 6,
    retentionMs: -1,
    retentionBytes: 2 * GIB,
    cleanupPolicy: 'delete',
    valueSchema: 'sensor-reading',
    key: 'assetId',
  },
  orders: {
    suffix: 'orders',
    partitions: 3,
    retentionMs: -1,
    retentionBytes: GIB,
    cleanupPolicy: 'delete',
    valueSchema: 'order',
    key: 'storeId',
  },
  inferences: {
    suffix: 'inferences',
    partitions: 6,
    retentionMs: -1,
    retentionBytes: 2 * GIB,
    cleanupPolicy: 'delete',
    valueSchema: 'inference',
    key: 'key (asset or store id)',
  },
  alerts: {
    suffix: 'alerts',
    partitions: 3,
    retentionMs: -1,
    retentionBytes: GIB,
    cleanupPolicy: 'delete',
    valueSchema: 'alert',
    key: 'key (asset or store id)',
  },
  deadLetters: {
    suffix: 'dead-letters',
    partitions: 3,
    // Longer than the data topics: dead letters are investigated and replayed after a fix.
    retentionMs: 30 * DAY_MS,
    retentionBytes: -1,
    cleanupPolicy: 'delete',
    valueSchema: 'dead-letter',
    key: 'the original record key',
  },
  modelControl: {
    suffix: 'model-control',
    // One partition: a total order of model changes, so every processor applies them in the same sequence.
    partitions: 1,
    retentionMs: -1,
    retentionBytes: -1,
    cleanupPolicy: 'compact',
    valueSchema: 'model-event',
    key: 'modelName',
  },
} as const satisfies Record<string, TopicDeclaration>;

export type TopicRole = keyof typeof TOPIC_DECLARATIONS;

export interface TopicSpec<S extends SchemaName = SchemaName> extends TopicDeclaration<S> {
  readonly role: TopicRole;
  /** Full topic name, prefix included. */
  readonly name: string;
  readonly replicationFactor: number;
  /** The registry subject of the value schema (TopicNameStrategy). */
  readonly valueSubject: string;
  /** Topic-level configs set at creation and compared on later runs. */
  readonly configEntries: Readonly<Record<string, string>>;
}

export type Topics = {
  readonly [R in TopicRole]: TopicSpec<(typeof TOPIC_DECLARATIONS)[R]['valueSchema']>;
};

export interface TopicOptions {
  /** `general.topicPrefix`, e.g. `vigil.`; tests use `test.<random>.`. */
  readonly prefix: string;
  /** `events.topicReplicationFactor`. */
  readonly replicationFactor: number;
}

/** TopicNameStrategy: the value schema of topic T is registered under subject `T-value`. */
export function valueSubjectOf(topic: string): string {
  return `${topic}-value`;
}

function configEntriesOf(decl: TopicDeclaration, replicationFactor: number): Record<string, string> {
  return {
    'cleanup.policy': decl.cleanupPolicy,
    'retention.ms': String(decl.retentionMs),
    'retention.bytes': String(decl.retentionBytes),
    // With replicas, an acked write must be on two of them, so one broker loss loses nothing.
    'min.insync.replicas': String(Math.min(2, replicationFactor)),
  };
}

/** All topics, resolved for one deployment (prefix and replication factor). */
export function declareTopics(options: TopicOptions): Topics {
  const entries = Object.entries(TOPIC_DECLARATIONS).map(([role, decl]) => {
    const name = `${options.prefix}${decl.suffix}`;
    const spec: TopicSpec = {
      ...decl,
      role: role as TopicRole,
      name,
      replicationFactor: options.replicationFactor,
      valueSubject: valueSubjectOf(name),
      configEntries: Object.freeze(configEntriesOf(decl, options.replicationFactor)),
    };
    return [role, Object.freeze(spec)] as const;
  });
  return Object.freeze(Object.fromEntries(entries)) as unknown as Topics;
}

/** The topics of a loaded config. */
export function topicsFromConfig(config: {
  readonly general: { readonly topicPrefix: string };
  readonly events: { readonly topicReplicationFactor: number };
}): Topics {
  return declareTopics({ prefix: config.general.topicPrefix, replicationFactor: config.events.topicReplicationFactor });
}

/** The topics as a list, in declaration order (for creation and registration loops). */
export function topicList(topics: Topics): TopicSpec[] {
  return Object.values(topics);
}
