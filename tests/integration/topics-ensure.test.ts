/** ensureTopics against the real broker: creates what is declared, is a no-op the second time, reports drift. */
import { randomBytes } from 'node:crypto';
import type { Admin } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { ensureTopics, ensureTopicsFromConfig } from '../../adapters/kafka/topics.js';
import { createLogger } from '../../adapters/logger.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { topicList, topicsFromConfig } from '../../core/topics.js';

const brokers = inject('kafkaBrokers');
const prefix = `test.${randomBytes(4).toString('hex')}.`;
const config = configWith({ KAFKA_BROKERS: brokers.join(','), VIGIL_TOPIC_PREFIX: prefix, LOG_LEVEL: 'warn' });
const logger = createLogger('warn');
const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'topics-test' });
const topics = topicList(topicsFromConfig(config));
let admin: Admin;

beforeAll(async () => {
  admin = kafka.admin();
  await admin.connect();
});

afterAll(async () => {
  const mine = (await admin.listTopics()).filter((t) => t.startsWith(prefix));
  if (mine.length > 0) await admin.deleteTopics({ topics: mine });
  await admin.disconnect();
});

describe('ensureTopics', () => {
  it('creates every declared topic with its partitions and configs, then does nothing the second time', async () => {
    const first = await ensureTopics({ kafka, topics, brokers, logger });
    expect(first.created.sort()).toEqual(topics.map((t) => t.name).sort());
    expect(first.drift).toEqual([]);

    const metadata = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.name) });
    for (const spec of topics) {
      const meta = metadata.topics.find((m) => m.name === spec.name);
      expect(meta?.partitions.length, spec.name).toBe(spec.partitions);
    }
    const sensors = topics.find((t) => t.role === 'sensorReadings');
    const control = topics.find((t) => t.role === 'modelControl');
    expect(sensors?.partitions).toBe(6);
    const configs = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2, name: control?.name ?? '', configNames: ['cleanup.policy', 'retention.ms'] }],
    });
    const entries = configs.resources[0]?.configEntries ?? [];
    expect(entries.find((e) => e.configName === 'cleanup.policy')?.configValue).toBe('compact');
    expect(entries.find((e) => e.configName === 'retention.ms')?.configValue).toBe('-1');

    const second = await ensureTopics({ kafka, topics, brokers, logger });
    expect(second.created).toEqual([]);
    expect(second.existing.sort()).toEqual(topics.map((t) => t.name).sort());
    expect(second.drift).toEqual([]);

    // The migrate step is the same call, built from config.
    const fromConfig = await ensureTopicsFromConfig(config, logger);
    expect(fromConfig.created).toEqual([]);
    expect(fromConfig.drift).toEqual([]);
    expect([...fromConfig.existing].sort()).toEqual([...second.existing].sort());
  });

  it('leaves an existing topic that differs alone and reports each difference', async () => {
    const spec = topics.find((t) => t.role === 'orders');
    if (!spec) throw new Error('orders topic not declared');
    const odd = { ...spec, name: `${prefix}drifted-orders` };
    await admin.createTopics({
      waitForLeaders: true,
      topics: [{ topic: odd.name, numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '1000' }] }],
    });
    const report = await ensureTopics({ kafka, topics: [odd], brokers, logger });
    expect(report.created).toEqual([]);
    expect(report.drift).toEqual(
      expect.arrayContaining([
        { topic: odd.name, setting: 'partitions', declared: String(spec.partitions), actual: '1' },
        { topic: odd.name, setting: 'retention.ms', declared: String(spec.retentionMs), actual: '1000' },
      ]),
    );
    const meta = await admin.fetchTopicMetadata({ topics: [odd.name] });
    expect(meta.topics[0]?.partitions.length).toBe(1);
  });

  it('fails with a retriable VIGIL_KAFKA_UNREACHABLE naming the brokers when none answers', async () => {
    const unreachable = configWith({ KAFKA_BROKERS: '127.0.0.1:1', LOG_LEVEL: 'silent' });
    const deadKafka = createKafkaClient(unreachable, createLogger('silent'), { retries: 1, connectionTimeoutMs: 500 });
    const error = await ensureTopics({ kafka: deadKafka, topics, brokers: ['127.0.0.1:1'] }).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_KAFKA_UNREACHABLE')).toBe(true);
    expect((error as Error).message).toContain('KAFKA_BROKERS');
    expect((error as Error).message).toContain('127.0.0.1:1');
    expect(isVigilError(error) && error.retriable).toBe(true);
  });
});
