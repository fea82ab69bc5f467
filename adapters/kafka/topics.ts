/**
 * Creates the declared topics (core/topics.ts) idempotently: missing topics are created with their partitions,
 * replication and configs; existing topics are left alone and every difference from the declaration is
 * reported (changing partitions re-shuffles keys and retention loses data: a human decides). Used by
 * `vigil migrate` and by tests.
 */
import kafkajs, { type Admin, type Kafka } from 'kafkajs';
import { type TopicSpec, topicList, topicsFromConfig } from '../../core/topics.js';
import type { Logger } from '../logger.js';
import { createKafkaClient, type KafkaClientConfig } from './client.js';
import { kafkaCall } from './kafka-errors.js';

export interface TopicDrift {
  readonly topic: string;
  /** `partitions`, `replicationFactor`, or a topic config name such as `retention.ms`. */
  readonly setting: string;
  readonly declared: string;
  readonly actual: string;
}

export interface EnsureTopicsReport {
  readonly created: string[];
  readonly existing: string[];
  readonly drift: TopicDrift[];
}

export interface EnsureTopicsOptions {
  readonly kafka: Kafka;
  readonly topics: readonly TopicSpec[];
  /** For error messages naming KAFKA_BROKERS (kafkajs does not expose them). */
  readonly brokers: readonly string[];
  readonly logger?: Logger;
}

export async function ensureTopics(options: EnsureTopicsOptions): Promise<EnsureTopicsReport> {
  const { kafka, topics, brokers } = options;
  const logger = options.logger?.child({ component: 'topics' });
  const admin = kafka.admin();
  const call = <T>(operation: string, fn: () => Promise<T>) => kafkaCall({ operation, brokers }, fn);
  await call('connecting the admin client', () => admin.connect());
  try {
    const present = new Set(await call('listing topics', () => admin.listTopics()));
    const missing = topics.filter((t) => !present.has(t.name));
    const created = missing.length > 0 ? await createMissing(admin, missing, call) : [];
    const existing = topics.filter((t) => !created.includes(t.name));
    const drift = existing.length > 0 ? await findDrift(admin, existing, call) : [];
    for (const name of created) logger?.info({ topic: name }, 'created topic');
    for (const d of drift) logger?.warn(d, 'existing topic differs from its declaration; left unchanged');
    return { created, existing: existing.map((t) => t.name), drift };
  } finally {
    await admin.disconnect();
  }
}

type Call = <T>(operation: string, fn: () => Promise<T>) => Promise<T>;

/** Creates the missing topics; a topic created concurrently (another migrate) counts as existing. */
async function createMissing(admin: Admin, missing: readonly TopicSpec[], call: Call): Promise<string[]> {
  await call(`creating topics ${missing.map((t) => t.name).join(', ')}`, () =>
    admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((t) => ({
        topic: t.name,
        numPartitions: t.partitions,
        replicationFactor: t.replicationFactor,
        configEntries: Object.entries(t.configEntries).map(([name, value]) => ({ name, value })),
      })),
    }),
  ).catch((error: unknown) => {
    if (!String((error as Error).message).includes('already exists')) throw error;
  });
  // createTopics does not say which topics it created when some raced: the metadata does.
  const present = new Set(await call('listing topics', () => admin.listTopics()));
  return missing.filter((t) => present.has(t.name)).map((t) => t.name);
}

async function findDrift(admin: Admin, topics: readonly TopicSpec[], call: Call): Promise<TopicDrift[]> {
  const names = topics.map((t) => t.name);
  const metadata = await call('reading topic metadata', () => admin.fetchTopicMetadata({ topics: names }));
  const configs = await call('reading topic configs', () =>
    admin.describeConfigs({
      includeSynonyms: false,
      resources: topics.map((t) => ({
        type: kafkajs.ConfigResourceTypes.TOPIC,
        name: t.name,
        configNames: Object.keys(t.configEntries),
      })),
    }),
  );
  const drift: TopicDrift[] = [];
  for (const spec of topics) {
    const meta = metadata.topics.find((m) => m.name === spec.name);
    if (meta) {
      compare(drift, spec.name, 'partitions', spec.partitions, meta.partitions.length);
      const replicas = Math.min(...meta.partitions.map((p) => p.replicas.length));
      compare(drift, spec.name, 'replicationFactor', spec.replicationFactor, replicas);
    }
    const resource = configs.resources.find((r) => r.resourceName === spec.name);
    for (const [name, declared] of Object.entries(spec.configEntries)) {
      const actual = resource?.configEntries.find((e) => e.configName === name)?.configValue;
      compare(drift, spec.name, name, declared, actual ?? '(unset)');
    }
  }
  return drift;
}

function compare(drift: TopicDrift[], topic: string, setting: string, declared: unknown, actual: unknown): void {
  if (String(declared) !== String(actual))
    drift.push({ topic, setting, declared: String(declared), actual: String(actual) });
}

/** `vigil migrate`'s topics step: every declared topic of this deployment (prefix, replication from config). */
export function ensureTopicsFromConfig(
  config: KafkaClientConfig & Parameters<typeof topicsFromConfig>[0],
  logger: Logger,
): Promise<EnsureTopicsReport> {
  const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'migrate' });
  return ensureTopics({ kafka, topics: topicList(topicsFromConfig(config)), brokers: config.kafka.brokers, logger });
}
