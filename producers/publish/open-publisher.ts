/**
 * Builds a KafkaPublisher (its `close` flushes, then disconnects the producer) for one of Vigil's event topics from the config: kafkajs idempotent producer, the
 * topic's registered schema id (looked up, never registered: `vigil migrate` registers), and the Avro codec.
 */
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { toKafkaError } from '../../adapters/kafka/kafka-errors.js';
import { rememberingKeyPartitioner } from '../../adapters/kafka/key-partitioner.js';
import type { Logger } from '../../adapters/logger.js';
import type { Registry } from '../../adapters/metrics.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { lookupSchemaIds } from '../../adapters/registry/register-schemas.js';
import type { Config } from '../../core/config/index.js';
import type { Order, SensorReading } from '../../core/events/types.js';
import { topicsFromConfig } from '../../core/topics.js';
import { type Compression, KafkaPublisher } from './kafka-publisher.js';
import { publisherMetrics } from './metrics.js';

export interface OpenPublisherOptions {
  readonly metrics?: Registry;
  readonly compression?: Compression;
  readonly maxBatch?: number;
  readonly maxBuffered?: number;
}

type Kind = 'sensor-readings' | 'orders';
type EventOf<K extends Kind> = K extends 'sensor-readings' ? SensorReading : Order;

export async function openPublisher<K extends Kind>(
  kind: K,
  config: Config,
  logger: Logger,
  options: OpenPublisherOptions = {},
): Promise<KafkaPublisher<EventOf<K>>> {
  const topics = topicsFromConfig(config);
  const topic = kind === 'sensor-readings' ? topics.sensorReadings : topics.orders;
  const registry = createRegistryClient(config);
  const [registered] = await lookupSchemaIds(registry, [topic]);
  const codec = createEventCodec(topic.valueSchema, registry, { schemaId: registered!.id });
  const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'producer' });
  const producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    // The idempotent producer keeps its sequence numbers only while kafkajs itself retries: let it retry
    // retriable errors (a broker restart) for as long as it takes; the bounded buffer then holds the callers back.
    retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
    createPartitioner: rememberingKeyPartitioner,
  });
  try {
    await producer.connect();
  } catch (error) {
    throw toKafkaError(error, { operation: 'connecting the producer', brokers: config.kafka.brokers });
  }
  const log = logger.child({ component: 'publisher', topic: topic.name });
  return new KafkaPublisher<EventOf<K>>({
    producer,
    topic: topic.name,
    brokers: config.kafka.brokers,
    encoder: codec as unknown as { encode(e: EventOf<K>): Buffer },
    keyOf: (e) => ('assetId' in e ? e.assetId : e.storeId),
    timestampOf: (e) => e.eventTime,
    logger: log,
    ...(options.metrics ? { metrics: publisherMetrics(options.metrics) } : {}),
    ...(options.compression ? { compression: options.compression } : {}),
    ...(options.maxBatch ? { maxBatch: options.maxBatch } : {}),
    ...(options.maxBuffered ? { maxBuffered: options.maxBuffered } : {}),
    onClose: () => producer.disconnect(),
  });
}
