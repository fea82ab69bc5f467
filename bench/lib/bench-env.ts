/**
 * The bench's own corner of the local stack: topics under a fresh prefix per "space" (so runs never see each
 * other's records), the schemas registered as `vigil migrate` does, and an embedded ClickHouse in a temporary data
 * directory (chDB has one owner process: the bench never touches the demo's or the tests' data).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { applyMigrations, type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { ensureTopicsFromConfig } from '../../adapters/kafka/topics.js';
import { createLogger, type Logger } from '../../adapters/logger.js';
import { registerSchemasFromConfig } from '../../adapters/registry/register-schemas.js';
import { type Config, loadConfig } from '../../core/config/index.js';
import { topicList, topicsFromConfig } from '../../core/topics.js';

export interface BenchSpace {
  readonly env: Record<string, string>;
  readonly config: Config;
}

export interface BenchEnv {
  readonly logger: Logger;
  readonly base: Config;
  readonly dataDir: string;
  /** The jars of the local Kafka (ProducerPerformance / ConsumerPerformance live in kafka-tools). */
  readonly kafkaLibDir: string;
  /** The bench's ClickHouse (chDB in `dataDir`), migrated. */
  readonly clickhouse: ClickHouse;
  /** A fresh topic prefix with every Vigil topic created and every schema registered; `settings` for this space. */
  space(name: string, settings?: Record<string, string>): Promise<BenchSpace>;
  close(): Promise<void>;
}

export async function openBenchEnv(processEnv: Record<string, string | undefined>): Promise<BenchEnv> {
  const base = loadConfig(processEnv);
  const logger = createLogger(processEnv.LOG_LEVEL ?? 'warn');
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-'));
  const run = Date.now().toString(36);
  // Vigil's settings in the environment tune what the bench runs (VIGIL_PROCESSOR_INFERENCE_FEATURES=all, ...),
  // except those the bench owns: where its data lives, its topics, its metrics port.
  const settings = Object.entries(processEnv).filter(
    (entry): entry is [string, string] => entry[0].startsWith('VIGIL_') && entry[1] !== undefined,
  );
  const common: Record<string, string> = {
    ...Object.fromEntries(settings),
    KAFKA_BROKERS: base.kafka.brokers.join(','),
    SCHEMA_REGISTRY_URL: base.registry.url,
    VIGIL_DATA_DIR: dataDir,
    CLICKHOUSE_DATABASE: 'bench',
    LOG_LEVEL: logger.level,
    VIGIL_METRICS_PORT: '0',
  };
  const clickhouse = await createClickHouse(loadConfig(common), logger, { createDatabase: true });
  await applyMigrations(clickhouse, logger);
  const spaces: Config[] = [];
  return {
    logger,
    base,
    dataDir,
    kafkaLibDir: resolve(base.general.dataDir, 'stack', 'dist', `kafka-${base.stack.kafkaVersion}`, 'libs'),
    clickhouse,
    async space(name, settings = {}) {
      const env = { ...common, ...settings, VIGIL_TOPIC_PREFIX: `bench.${run}.${name}.` };
      const config = loadConfig(env);
      await ensureTopicsFromConfig(config, logger);
      await registerSchemasFromConfig(config);
      spaces.push(config);
      return { env, config };
    },
    async close() {
      // Topics go (they hold hundreds of MB after a full run); registered subjects stay, as after tests.
      const admin = createKafkaClient(base, logger, { clientIdSuffix: 'bench' }).admin();
      try {
        await admin.connect();
        const names = spaces.flatMap((c) => topicList(topicsFromConfig(c)).map((t) => t.name));
        const existing = new Set(await admin.listTopics());
        const doomed = names.filter((n) => existing.has(n));
        if (doomed.length > 0) await admin.deleteTopics({ topics: doomed, timeout: 30_000 });
      } finally {
        await admin.disconnect();
        await clickhouse.close();
        rmSync(dataDir, { recursive: true, force: true });
      }
    },
  };
}
