/**
 * The event path end to end on the real broker and registry: register, encode, produce (key = asset id,
 * timestamp = event time), consume, decode. Plus the two decode failures that must be told apart: an id the
 * registry does not know (bad data, dead-lettered) and a registry that does not answer (retriable).
 */
import { randomBytes } from 'node:crypto';
import { type Consumer, type KafkaMessage, Partitioners, type Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { ensureTopics } from '../../adapters/kafka/topics.js';
import { createLogger } from '../../adapters/logger.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { lookupSchemaIds, registerSchemas } from '../../adapters/registry/register-schemas.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { deadLetterReasonOf } from '../../core/events/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { writeWireHeader } from '../../core/events/wire-format.js';
import { topicsFromConfig } from '../../core/topics.js';
import { sensorReadingSample } from '../helpers/event-samples.js';
import { waitFor } from '../helpers/wait.js';

const brokers = inject('kafkaBrokers');
const registryUrl = inject('schemaRegistryUrl');
const prefix = `test.${randomBytes(4).toString('hex')}.`;
const config = configWith({
  KAFKA_BROKERS: brokers.join(','),
  SCHEMA_REGISTRY_URL: registryUrl,
  VIGIL_TOPIC_PREFIX: prefix,
  LOG_LEVEL: 'warn',
});
const logger = createLogger('warn');
const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'avro-test' });
const registry = createRegistryClient(config);
const topics = topicsFromConfig(config);
const sensorTopic = topics.sensorReadings;
let producer: Producer;
let consumer: Consumer | undefined;

beforeAll(async () => {
  await ensureTopics({ kafka, topics: [sensorTopic], brokers, logger });
  producer = kafka.producer({ allowAutoTopicCreation: false, createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
});

afterAll(async () => {
  await consumer?.disconnect();
  await producer.disconnect();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: [sensorTopic.name] }).catch(() => undefined);
  await admin.disconnect();
});

describe('Avro round trip through Kafka', () => {
  it('registers the schema, and decodes what it produced to exactly the input', async () => {
    const [registered] = await registerSchemas(registry, [sensorTopic]);
    expect(registered?.subject).toBe(`${prefix}sensor-readings-value`);
    expect(await registry.getCompatibility(sensorTopic.valueSubject)).toBe('BACKWARD');
    // Registering again is a no-op with the same id; a runtime role finds that id without registering.
    expect((await registerSchemas(registry, [sensorTopic]))[0]?.id).toBe(registered?.id);
    expect((await lookupSchemaIds(registry, [sensorTopic]))[0]?.id).toBe(registered?.id);

    const producerCodec = createEventCodec('sensor-reading', registry, { schemaId: registered?.id });
    const readings: SensorReading[] = [0, 1, 2].map((i) => ({
      ...sensorReadingSample,
      eventId: `evt-${i}`,
      assetId: `pump-${i}`,
      eventTime: sensorReadingSample.eventTime + i * 1000,
      seq: i,
      channels: { vibration_rms: 1 + i / 4, bearing_temp_c: 60 + i },
    }));
    await producer.send({
      topic: sensorTopic.name,
      acks: -1,
      messages: readings.map((r) => ({
        key: r.assetId,
        value: producerCodec.encode(r),
        timestamp: String(r.eventTime),
      })),
    });

    // A fresh codec without the id: the consumer side learns the writer schema from the registry.
    const consumerCodec = createEventCodec('sensor-reading', registry);
    const received: KafkaMessage[] = [];
    consumer = kafka.consumer({ groupId: `${prefix}avro-test` });
    await consumer.connect();
    await consumer.subscribe({ topic: sensorTopic.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        received.push(message);
      },
    });
    await waitFor(() => received.length >= readings.length, {
      timeoutMs: 60_000,
      description: `${readings.length} records on ${sensorTopic.name}`,
    });

    const values = received.map((m) => m.value);
    const pending = consumerCodec.prepareBatch(values);
    expect(pending).toBeInstanceOf(Promise);
    await pending;
    expect(consumerCodec.prepareBatch(values)).toBeUndefined(); // warm: nothing left to fetch
    const decoded = received.map((m) => {
      if (!m.value) throw new Error('record without a value');
      const reading = consumerCodec.decodeCached(m.value);
      expect(m.key?.toString()).toBe(reading?.assetId);
      expect(Number(m.timestamp)).toBe(reading?.eventTime);
      return { ...reading };
    });
    expect(decoded.sort((a, b) => String(a.eventId).localeCompare(String(b.eventId)))).toEqual(readings);
  });

  it('decodes a record with a schema id the registry does not know to VIGIL_EVENTS_UNKNOWN_SCHEMA', async () => {
    const codec = createEventCodec('sensor-reading', registry);
    const bytes = Buffer.alloc(12, 1);
    writeWireHeader(bytes, 2_000_000_000);
    const error = await codec.decode(bytes).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_EVENTS_UNKNOWN_SCHEMA')).toBe(true);
    expect(deadLetterReasonOf(error)).toBe('UNKNOWN_SCHEMA');
    // Remembered: the fast path refuses it again without a registry call.
    expect(() => codec.decodeCached(bytes)).toThrow(/2000000000/);
  });

  it('reports an unreachable registry as retriable VIGIL_REGISTRY_UNAVAILABLE, not as bad data', async () => {
    const down = createRegistryClient(configWith({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7' }));
    const codec = createEventCodec('sensor-reading', down);
    const bytes = Buffer.alloc(12, 1);
    writeWireHeader(bytes, 5);
    const error = await codec.decode(bytes).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_REGISTRY_UNAVAILABLE')).toBe(true);
    expect(isVigilError(error) && error.retriable).toBe(true);
    expect((error as Error).message).toContain('SCHEMA_REGISTRY_URL');
    expect(deadLetterReasonOf(error)).toBeUndefined();
    // Not remembered: the id is still undecided, so the next batch asks again.
    expect(codec.decodeCached(bytes)).toBeUndefined();

    const registerError = await registerSchemas(down, [sensorTopic]).catch((e: unknown) => e);
    expect(isVigilError(registerError, 'VIGIL_REGISTRY_UNAVAILABLE')).toBe(true);
  });
});
