/**
 * `vigil replay --source kafka` staging against its limit: consuming + decoding the same topic in the same run.
 * Publishes simulated readings (N assets x M minutes at 1 Hz) to a fresh topic prefix on the local stack, times a
 * bare kafkajs consumer decoding every record (the codec's fast path), then times `stageFromKafka` over a range
 * covering the same records (decode + contract checks + inserts into the staging table of a fresh embedded
 * ClickHouse), and prints both rates and the ratio. Both timings include the consumer's group join. Prints
 * numbers, asserts nothing; deletes its topics at the end.
 *
 *   node bin/vigil.js stack up && npx tsx bench/replay-kafka.ts [assets=20] [minutes=30]
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createClickHouse } from '../adapters/clickhouse/index.js';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { createEventCodec } from '../adapters/kafka/event-codec.js';
import { ensureTopicsFromConfig } from '../adapters/kafka/topics.js';
import { createLogger } from '../adapters/logger.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import { registerSchemasFromConfig } from '../adapters/registry/register-schemas.js';
import { loadConfig } from '../core/config/index.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import { topicList, topicsFromConfig } from '../core/topics.js';
import { PlantSimulator } from '../producers/plant/plant-simulator.js';
import { openPublisher } from '../producers/publish/open-publisher.js';
import { stageFromKafka } from '../replay/index.js';

const assets = Number(process.argv[2] ?? 20);
const minutes = Number(process.argv[3] ?? 30);
const start = Date.UTC(2026, 2, 2, 0);
const end = start + minutes * 60_000;
const work = mkdtempSync(join(tmpdir(), 'vigil-bench-replay-kafka-'));
const logger = createLogger('warn');
const config = loadConfig({
  ...process.env,
  VIGIL_DATA_DIR: work,
  CLICKHOUSE_DATABASE: 'bench_replay_kafka',
  VIGIL_TOPIC_PREFIX: `bench.replay-kafka.${Date.now().toString(36)}.`,
  LOG_LEVEL: 'warn',
});
const topic = topicsFromConfig(config).sensorReadings;
const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'bench-replay-kafka' });
const registry = createRegistryClient(config);

await ensureTopicsFromConfig(config, logger);
await registerSchemasFromConfig(config);
const ch = await createClickHouse(config, logger, { createDatabase: true });
try {
  await applyMigrations(ch, logger);
  const publisher = await openPublisher('sensor-readings', config, logger);
  const sim = new PlantSimulator(defaultPlant(), { seed: 3, start, end, assets });
  for (let r = sim.next(); r !== null; r = sim.next()) {
    const wait = publisher.write(r);
    if (wait) await wait;
  }
  await publisher.close();
  const records = publisher.stats.acknowledged;
  process.stdout.write(`published ${records} readings of ${assets} assets over ${minutes} min to ${topic.name}\n`);

  // The limit: every record consumed and decoded, nothing else.
  const codec = createEventCodec(topic.valueSchema, registry);
  const consumer = kafka.consumer({ groupId: `bench-replay-kafka-${randomUUID()}` });
  await consumer.connect();
  await consumer.subscribe({ topic: topic.name, fromBeginning: true });
  let decoded = 0;
  const consumeStarted = performance.now();
  await new Promise<void>((resolve, reject) => {
    consumer
      .run({
        eachBatch: async ({ batch }) => {
          const ready = codec.prepareBatch(batch.messages.map((m) => m.value));
          if (ready) await ready;
          for (const m of batch.messages) {
            try {
              codec.decodeCached(m.value ?? Buffer.alloc(0));
            } catch {
              // Undecodable records cost the same to find out; counted like the others.
            }
            decoded++;
          }
          if (decoded >= records) resolve();
        },
      })
      .catch(reject);
  });
  const consumeSeconds = (performance.now() - consumeStarted) / 1000;
  await consumer.disconnect();

  const result = await stageFromKafka({
    kafka,
    ch,
    schemaRegistry: registry,
    config,
    logger,
    stream: 'sensors',
    runId: 'bench',
    from: start + 16 * 60_000,
    to: end,
  });
  const stageSeconds = result.elapsedMs / 1000;
  const line = (label: string, n: number, s: number) =>
    `${label.padEnd(40)} ${String(n).padStart(9)} records ${s.toFixed(2).padStart(8)} s ${Math.round(n / s)
      .toString()
      .padStart(9)} records/s\n`;
  process.stdout.write(line('consume + decode (limit)', decoded, consumeSeconds));
  process.stdout.write(line(`staging (${result.staged} rows inserted)`, result.read, stageSeconds));
  process.stdout.write(
    `staging / limit = ${(result.read / stageSeconds / (decoded / consumeSeconds)).toFixed(3)}  skipped ${JSON.stringify(result.skipped)}\n`,
  );
} finally {
  await ch.close();
  const admin = kafka.admin();
  await admin.connect();
  await admin.deleteTopics({ topics: topicList(topicsFromConfig(config)).map((t) => t.name) }).catch(() => {});
  await admin.disconnect();
  rmSync(work, { recursive: true, force: true });
}
