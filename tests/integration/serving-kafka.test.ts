/**
 * The serving routes that write to Kafka, against the real broker and schema registry: replaying a dead letter
 * re-publishes its original bytes to its source topic, and POST /v1/ingest publishes Avro readings keyed by asset
 * id through the producers' publishing library. Unique topic prefix per run.
 */
import { randomBytes } from 'node:crypto';
import type { Consumer, KafkaMessage } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { ensureTopicsFromConfig } from '../../adapters/kafka/topics.js';
import { registerSchemasFromConfig } from '../../adapters/registry/register-schemas.js';
import { lazyReadingPublisher } from '../../cli/commands/serve.js';
import { topicsFromConfig } from '../../core/topics.js';
import { createKafkaIo, type KafkaIo } from '../../serving/io/kafka.js';
import { silentLogger } from '../helpers/clickhouse.js';
import { waitFor } from '../helpers/wait.js';
import { auth, openServingFixture, pumpReadings, type ServingFixture } from './serving-fixture.js';

const prefix = `test-serving-${randomBytes(4).toString('hex')}.`;
let fx: ServingFixture;
let kafkaIo: KafkaIo;
let ingest: ReturnType<typeof lazyReadingPublisher>;
let consumer: Consumer;
const received: KafkaMessage[] = [];
let topic = '';

beforeAll(async () => {
  fx = await openServingFixture({ VIGIL_TOPIC_PREFIX: prefix }, null, (config) => {
    kafkaIo = createKafkaIo(config, silentLogger);
    ingest = lazyReadingPublisher(config, silentLogger);
    return { rawPublisher: kafkaIo.publisher, readingPublisher: ingest };
  });
  const config = fx.server.ctx.config;
  await ensureTopicsFromConfig(config, silentLogger);
  await registerSchemasFromConfig(config);
  topic = topicsFromConfig(config).sensorReadings.name;
  consumer = createKafkaClient(config, silentLogger).consumer({ groupId: `${prefix}check` });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: async ({ message }) => {
      received.push(message);
    },
  });
});

afterAll(async () => {
  await consumer?.disconnect();
  await ingest?.close();
  await kafkaIo?.close();
  await fx?.close();
});

describe('serving and Kafka', () => {
  it('replays a dead letter: its original key and value bytes go back to the source topic', async () => {
    const value = Buffer.concat([Buffer.from([0, 0, 0, 0, 42]), randomBytes(24)]);
    await fx.tch.ch.insertRows('dead_letters', [
      {
        stream: 'sensors',
        source_topic: topic,
        source_partition: 2,
        source_offset: 77,
        key_base64: Buffer.from('P-101').toString('base64'),
        value_base64: value.toString('base64'),
        reason: 'UNKNOWN_SCHEMA',
        message: 'schema id 42 is not registered',
        received_at: Date.now(),
      },
    ]);
    const response = await fx.server.app.inject({
      method: 'POST',
      url: `/v1/dead-letters/${encodeURIComponent(topic)}/2/77/replay`,
      headers: auth(fx.keys.operator),
    });
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().replayed).toMatchObject({ reason: 'UNKNOWN_SCHEMA', valueBytes: value.length });
    const message = await waitFor(() => received.find((m) => m.value?.equals(value)), {
      description: 'the replayed record on the source topic',
      timeoutMs: 30_000,
    });
    expect(message.key?.toString()).toBe('P-101');

    const missing = await fx.server.app.inject({
      method: 'POST',
      url: `/v1/dead-letters/${encodeURIComponent(topic)}/2/78/replay`,
      headers: auth(fx.keys.admin),
    });
    expect(missing.statusCode).toBe(404);
  });

  it('publishes ingested readings as Avro records keyed by asset id', async () => {
    const readings = pumpReadings(1, 9).slice(0, 5);
    const response = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/ingest',
      headers: auth(fx.keys.ingest),
      payload: { readings },
    });
    expect(response.statusCode, response.body).toBe(202);
    expect(response.json()).toEqual({ published: 5 });
    const mine = await waitFor(
      () => {
        const found = received.filter((m) => m.key?.toString() === readings[0]!.assetId && m.value?.[0] === 0);
        return found.length >= 5 && found;
      },
      { description: 'five ingested records', timeoutMs: 30_000 },
    );
    // Confluent wire format: magic byte 0, then a 4-byte schema id, then the Avro body.
    for (const m of mine) expect(m.value!.length).toBeGreaterThan(5);
    expect(mine.map((m) => Number(m.timestamp)).sort()).toEqual(readings.map((r) => r.eventTime).sort());
  });
});
