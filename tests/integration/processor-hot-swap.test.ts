/**
 * Model lifecycle under a running processor (issue 6): promote and roll back while events flow. No event is lost
 * or scored twice, and every inference row carries the version that really scored it (its score is re-computed
 * here with that version's ONNX file from the row's own features). Prints the time from the rollback command to
 * the first event scored by the restored version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FEATURES_OF_INFERENCE, joinFeatures } from '../../adapters/clickhouse/rows.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { openModelDir } from '../../adapters/onnx/index.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { registryModelSource } from '../../cli/model-source.js';
import type { Config } from '../../core/config/index.js';
import { assetTypes, channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { bootstrapDefaultModels, openModelRegistry } from '../../registry/index.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';

const logger = createLogger('silent');
let db: TestClickHouse;
beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db.close();
});

const START = Date.UTC(2026, 4, 4, 6);
const MINUTE = 60_000;

async function publish(config: Config, fromMinute: number, toMinute: number): Promise<number> {
  const publisher = await openPublisher('sensor-readings', config, logger);
  const sim = new PlantSimulator(defaultPlant(), {
    seed: 51,
    start: START,
    end: START + toMinute * MINUTE,
    assets: 2,
  });
  let sent = 0;
  for (let r = sim.next(); r !== null; r = sim.next()) {
    if (r.eventTime < START + fromMinute * MINUTE) continue;
    const wait = publisher.write(r);
    if (wait) await wait;
    sent++;
  }
  await publisher.close();
  return sent;
}

describe('promote and roll back under a running processor', () => {
  it('swaps versions between batches, losing and doubling nothing', async () => {
    const { config } = await freshKafkaEnv({ ...db.env, VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384' });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const registry = openModelRegistry({
      ch: db.ch,
      kafka: createKafkaClient(config, logger, { clientIdSuffix: 'test-models' }),
      schemaRegistry: createRegistryClient(config),
      config,
      logger,
    });
    await bootstrapDefaultModels(registry, 'models', 'test');
    const v1 = (await registry.production('sensors-pump'))!.version;

    const group = uniqueName('swap');
    const processor = new StreamProcessor({
      stream: 'sensors',
      config,
      logger,
      clickhouse: db.ch,
      metrics: createMetricsRegistry(),
      models: registryModelSource(registry),
      subjects: assetTypes(),
      groupId: group,
    });
    await processor.start();
    try {
      await publish(config, 0, 18);
      await waitCaughtUp(config, group, topic);

      const v2 = (await registry.register('tests/fixtures/models/sensors-pump-v2', 'test')).version;
      await registry.promote({
        name: 'sensors-pump',
        version: v2,
        actor: 'test',
        reason: 'hot swap test',
        force: true,
      });
      await publish(config, 18, 22);
      await waitCaughtUp(config, group, topic);

      const rollbackAt = Date.now();
      await registry.rollback({ name: 'sensors-pump', actor: 'test', reason: 'hot swap test: back to v1' });
      await publish(config, 22, 25);
      const firstRestored = await waitFor(
        async () => {
          const [row] = await db.ch.query(
            `SELECT min(scored_at) AS at FROM inferences FINAL
             WHERE model_version = {v1:String} AND event_time >= fromUnixTimestamp64Milli({from:Int64})`,
            { v1, from: START + 22 * MINUTE },
          );
          return row?.at && Number(new Date(`${String(row.at).replace(' ', 'T')}Z`)) > 0 ? row.at : undefined;
        },
        { description: 'the first event scored by the restored version', timeoutMs: 60_000 },
      );
      await waitCaughtUp(config, group, topic);
      const restoredMs = Number(new Date(`${String(firstRestored).replace(' ', 'T')}Z`)) - rollbackAt;
      process.stderr.write(`[hot swap] rollback command -> first event scored by ${v1}: ${restoredMs} ms\n`);

      const versions = await db.ch.query<{ phase: string; version: string; n: string }>(
        `SELECT multiIf(event_time < fromUnixTimestamp64Milli({p2:Int64}), 'before', event_time < fromUnixTimestamp64Milli({p3:Int64}), 'promoted', 'rolled-back') AS phase,
                model_version AS version, count() AS n
         FROM inferences FINAL WHERE model_name = 'sensors-pump' GROUP BY phase, version ORDER BY phase, version`,
        { p2: START + 18 * MINUTE, p3: START + 22 * MINUTE },
      );
      const byPhase = (phase: string) => versions.filter((r) => r.phase === phase).map((r) => r.version);
      expect(byPhase('before')).toEqual([v1]);
      expect(byPhase('promoted')).toEqual([v2]);
      expect(byPhase('rolled-back')).toEqual([v1]);

      const [counts] = await db.ch.query(
        `SELECT count() AS n, uniqExact(event_id) AS ids FROM inferences FINAL WHERE model_role = 'production'`,
      );
      expect(counts?.n).toBe(counts?.ids);

      // Every row's score is what the version it names computes from the row's own features.
      const featureSet = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name)).featureSet('pump')!;
      for (const version of [v1, v2]) {
        const info = await registry.get('sensors-pump', version);
        const { scorer } = await openModelDir(registry.store.dirOf(info), featureSet);
        const rows = await db.ch.query<{ features: Record<string, number>; score: number }>(
          `SELECT ${FEATURES_OF_INFERENCE} AS features, i.score AS score FROM inferences AS i FINAL
           ${joinFeatures("stream = 'sensors' AND run_id = ''")}
           WHERE i.model_version = {version:String} ORDER BY i.event_id LIMIT 200`,
          { version },
        );
        const vectors = rows.map((r) => Float64Array.from(featureSet.featureNames, (name) => r.features[name] ?? 0));
        const scores = await scorer.scoreBatch(vectors);
        for (const [i, r] of rows.entries()) {
          expect(Math.abs(scores[i]! - r.score)).toBeLessThanOrEqual(1e-5 * Math.max(1, Math.abs(r.score)));
        }
        await scorer.close();
      }
    } finally {
      await processor.stop();
    }
  });
});
