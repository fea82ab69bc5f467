import { z } from 'zod';
import { option, section } from '../option.js';
import { boolean, durationMs, nonEmpty, nonNegativeInt, positiveInt } from '../parsers.js';

export const processor = section('processor', {
  metricsPort: option({
    env: 'VIGIL_METRICS_PORT',
    default: '9464',
    doc: 'Port of /metrics for roles without the API (`vigil process`); 0 picks a free port. The demo serves metrics on the API port instead.',
    schema: nonNegativeInt.max(65535, 'must be a port number 0-65535'),
  }),
  publishAllInferences: option({
    env: 'VIGIL_PROCESSOR_PUBLISH_INFERENCES',
    default: 'true',
    doc: 'Publish every inference to the inferences topic (true) or only anomalous ones (false); ClickHouse always gets all.',
    schema: boolean,
  }),
  inferenceFeatures: option({
    env: 'VIGIL_PROCESSOR_INFERENCE_FEATURES',
    default: 'anomalous',
    doc: "Which published inferences carry their feature map: `anomalous` (the others an empty map) or `all`. A map is ~230 names and values, up to ~7 KB against ~260 B for the rest of the record and ~200 B for the reading scored; every vector is in ClickHouse's `features` table either way.",
    schema: z.enum(['anomalous', 'all'], { message: 'must be anomalous or all' }),
  }),
  maxBatchBytes: option({
    env: 'VIGIL_PROCESSOR_MAX_BATCH_BYTES',
    default: '1048576',
    doc: 'Bytes fetched per partition per batch (kafkajs maxBytesPerPartition): bigger batches amortise ClickHouse inserts and model calls, smaller ones cut latency.',
    schema: positiveInt,
  }),
  writeIntervalMs: option({
    env: 'VIGIL_PROCESSOR_WRITE_INTERVAL',
    default: '100ms',
    doc: "The least time between two group writes of the processor's outputs (one ClickHouse insert per table, then Kafka, then the offset commit): fewer, larger inserts cost the engine much less CPU; an event's outputs wait up to this much longer to be durable. 0: each write starts as soon as the previous one ends.",
    schema: durationMs,
  }),
  fetchMinBytes: option({
    env: 'VIGIL_PROCESSOR_FETCH_MIN_BYTES',
    default: '1',
    doc: 'Bytes a fetch waits for before the broker answers (kafkajs minBytes), up to `VIGIL_PROCESSOR_FETCH_MAX_WAIT`: fewer, larger batches at the cost of that wait.',
    schema: positiveInt,
  }),
  fetchMaxWaitMs: option({
    env: 'VIGIL_PROCESSOR_FETCH_MAX_WAIT',
    default: '5s',
    doc: 'The longest the broker holds a fetch waiting for `VIGIL_PROCESSOR_FETCH_MIN_BYTES` (kafkajs maxWaitTimeInMs).',
    schema: durationMs,
  }),
  concurrentPartitions: option({
    env: 'VIGIL_PROCESSOR_CONCURRENT_PARTITIONS',
    default: '6',
    doc: "Partitions of one fetch processed at once (kafkajs partitionsConsumedConcurrently); their model calls are merged into one per model. 1: one partition's batch at a time, each with its own calls.",
    schema: positiveInt,
  }),
  sessionTimeoutMs: option({
    env: 'VIGIL_PROCESSOR_SESSION_TIMEOUT',
    default: '30s',
    doc: 'Consumer group session timeout: how long a crashed processor keeps its partitions before the group hands them to another instance (the broker allows 6s to 5m by default).',
    schema: durationMs,
  }),
  autoRegisterAssetTypes: option({
    env: 'VIGIL_AUTO_REGISTER_ASSET_TYPES',
    default: 'true',
    doc: 'A reading of an asset type nobody declared registers that type with the channels it carries (imports of new equipment); false: such readings are dead-lettered (CONTRACT_VIOLATION).',
    schema: boolean,
  }),
  modelsDir: option({
    env: 'VIGIL_MODELS_DIR',
    default: 'models',
    doc: 'Committed default models (one folder per model name), registered and promoted when a model has no production version.',
    schema: nonEmpty,
  }),
});
