/**
 * The stream applies threshold overrides and maintenance windows while it runs: a change made through the store
 * (what the CLI and API do) reaches a running processor between batches, without a restart, and a window
 * suppresses the alerts of its asset only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { readCard } from '../../adapters/onnx/index.js';
import { AlertRulesStore, liveAlertRulesFor } from '../../alert-workflow/index.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { assetTypes, defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { directoryModelSource } from '../../stream-processors/live-models.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';

const logger = createLogger('silent');
const START = Date.UTC(2026, 3, 6, 7);
let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db.close();
});

async function publish(config: Config, from: number, minutes: number): Promise<SensorReading[]> {
  const publisher = await openPublisher('sensor-readings', config, logger);
  const sim = new PlantSimulator(defaultPlant(), {
    seed: 5,
    start: START,
    end: START + (from + minutes) * 60_000,
    assets: 4,
  });
  const sent: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) {
    if (r.eventTime < START + from * 60_000) continue;
    sent.push(r);
    const wait = publisher.write(r);
    if (wait) await wait;
  }
  await publisher.close();
  return sent;
}

describe('alert rules in a running processor', () => {
  it('applies a threshold change and a maintenance window without a restart', async () => {
    const { config } = await freshKafkaEnv({
      ...db.env,
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
      VIGIL_ALERT_RULES_REFRESH: '0',
      VIGIL_ALERT_COOLDOWN: '0',
    });
    const store = new AlertRulesStore(db.ch);
    // Phase 1: every asset type far above any score: nothing is anomalous.
    for (const type of assetTypes()) {
      await store.setThreshold({
        stream: 'sensors',
        level: 'asset_type',
        target: type,
        threshold: 1e9,
        setBy: 'test',
        reason: 'quiet phase',
      });
    }
    const groupId = uniqueName('rules');
    const processor = new StreamProcessor({
      stream: 'sensors',
      config,
      logger,
      clickhouse: db.ch,
      metrics: createMetricsRegistry(),
      models: directoryModelSource('models', async (dir) => (await readCard(dir)).version),
      subjects: assetTypes(),
      groupId,
      alertRules: liveAlertRulesFor('sensors', db.ch, config, logger),
    });
    const topic = topicsFromConfig(config).sensorReadings.name;
    await processor.start();
    try {
      const first = await publish(config, 0, 20);
      await waitCaughtUp(config, groupId, topic);
      const assets = [...new Set(first.map((r) => r.assetId))].sort();
      const [loud, maintained, quiet] = assets;
      expect(quiet).toBeDefined();
      const phase1 = await db.ch.query<{ n: string; anomalies: string; minThreshold: number }>(
        `SELECT count() AS n, countIf(anomaly) AS anomalies, min(threshold) AS minThreshold
         FROM inferences FINAL WHERE model_role = 'production'`,
      );
      expect(Number(phase1[0]!.n)).toBeGreaterThan(0);
      expect(Number(phase1[0]!.anomalies)).toBe(0);
      expect(phase1[0]!.minThreshold).toBe(1e9);

      // Phase 2, while the processor runs: two assets get a threshold below every score; one of them is in
      // maintenance for the whole phase.
      const phase2Start = START + 20 * 60_000;
      for (const key of [loud!, maintained!]) {
        await store.setThreshold({
          stream: 'sensors',
          level: 'asset',
          target: key,
          threshold: -1e9,
          setBy: 'test',
          reason: 'loud phase',
        });
      }
      await store.addWindow({
        stream: 'sensors',
        key: maintained!,
        mode: 'maintenance',
        startsAt: phase2Start,
        endsAt: phase2Start + 3_600_000,
        reason: 'pump overhaul',
        createdBy: 'test',
      });
      await publish(config, 20, 5);
      await waitCaughtUp(config, groupId, topic);

      const byKey = await db.ch.query<{ key: string; anomalies: string; threshold: number }>(
        `SELECT key, countIf(anomaly) AS anomalies, min(threshold) AS threshold FROM inferences FINAL
         WHERE model_role = 'production' AND event_time >= fromUnixTimestamp64Milli({t:Int64}, 'UTC')
         GROUP BY key ORDER BY key`,
        { t: phase2Start },
      );
      const of = (k: string) => byKey.find((r) => r.key === k);
      expect(of(loud!)?.threshold).toBe(-1e9);
      expect(Number(of(loud!)?.anomalies)).toBeGreaterThan(0);
      expect(of(quiet!)?.threshold).toBe(1e9);
      expect(Number(of(quiet!)?.anomalies)).toBe(0);

      const alerts = await db.ch.query<{ key: string; suppressed: boolean }>(
        `SELECT key, suppressed FROM alerts FINAL ORDER BY key`,
      );
      const loudAlerts = alerts.filter((a) => a.key === loud);
      const maintainedAlerts = alerts.filter((a) => a.key === maintained);
      expect(loudAlerts.length).toBeGreaterThan(0);
      expect(loudAlerts.every((a) => !a.suppressed)).toBe(true);
      expect(maintainedAlerts.length).toBeGreaterThan(0);
      expect(maintainedAlerts.every((a) => Boolean(a.suppressed))).toBe(true);
      expect(alerts.some((a) => a.key === quiet)).toBe(false);
    } finally {
      await processor.stop();
    }
  });
});
