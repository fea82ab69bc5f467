/**
 * Integration helpers: a unique topic prefix per test file (so tests never see each other's records), with the
 * topics created and schemas registered exactly as `vigil migrate` does, and a way to count what a topic holds.
 */
import { inject } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { ensureTopicsFromConfig } from '../../adapters/kafka/topics.js';
import { createLogger } from '../../adapters/logger.js';
import { registerSchemasFromConfig } from '../../adapters/registry/register-schemas.js';
import { type Config, loadConfig } from '../../core/config/index.js';

export function uniqueName(prefix: string): string {
  return `${prefix}.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}

export interface KafkaTestEnv {
  readonly env: Record<string, string>;
  readonly config: Config;
}

/** Env + config with a fresh topic prefix; topics created and schemas registered. */
export async function freshKafkaEnv(extra: Record<string, string> = {}): Promise<KafkaTestEnv> {
  const env = {
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
    VIGIL_TOPIC_PREFIX: `${uniqueName('test')}.`,
    LOG_LEVEL: 'warn',
    ...extra,
  };
  const config = loadConfig(env);
  const logger = createLogger('warn');
  await ensureTopicsFromConfig(config, logger);
  await registerSchemasFromConfig(config);
  return { env, config };
}

/** Number of records in a topic (sum over partitions of high watermark minus low watermark). */
export async function topicRecordCount(config: Config, topic: string): Promise<number> {
  const admin = createKafkaClient(config, createLogger('error'), { clientIdSuffix: 'test' }).admin();
  await admin.connect();
  try {
    const offsets = await admin.fetchTopicOffsets(topic);
    return offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
  } finally {
    await admin.disconnect();
  }
}
