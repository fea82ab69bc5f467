/**
 * The monitor's jobs against the real migrated schema filled through the shared scoring code (monitoring-fill.ts):
 * a shifted pump channel drifts past the PSI threshold and raises a drift alert while unshifted features do not;
 * a pump that stops sending is flagged stale (and its alert closes when it reports again); the SQL drift maths
 * agree with the TypeScript maths on the same bins.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { configWith } from '../../core/config/index.js';
import { jsDistance, psi } from '../../monitoring/drift-math.js';
import { createMonitoring, type MonitoringRun } from '../../monitoring/start-monitoring.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { fillMonitoringData, MODEL_NAME, simulateReadings } from './monitoring-fill.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const STOPPED = 'P-103';
const config = configWith({
  VIGIL_DRIFT_WINDOWS: '1h',
  VIGIL_DATA_STALE_AFTER: '2m',
  VIGIL_DATA_QUALITY_WINDOW: '15m',
});
let db: TestClickHouse;
let run: MonitoringRun;
const registry = createMetricsRegistry();
let clock = NOW;

beforeAll(async () => {
  db = await openTestClickHouse();
  await fillMonitoringData(db.ch, {
    now: NOW,
    minutes: 70,
    shift: { channel: 'bearing_temp', by: 12 },
    stop: { assetId: STOPPED, stoppedForMs: 10 * 60_000 },
  });
  const monitoring = createMonitoring(
    { ch: db.ch, config, logger: createLogger('silent'), registry, clock: () => clock },
    { schedule: false },
  );
  run = await monitoring.runOnce();
  expect([...run.errors.values()]).toEqual([]);
}, 240_000);

afterAll(async () => {
  await db?.close();
});

describe('drift job', () => {
  it('puts the shifted channel over the PSI threshold and leaves the unshifted features under it', () => {
    const byTarget = new Map(run.drift!.filter((d) => d.window === '1h').map((d) => [d.target, d]));
    const shifted = byTarget.get('bearing_temp.w5m.mean')!;
    expect(shifted.liveRows).toBeGreaterThan(1000);
    expect(shifted.psi).toBeGreaterThan(0.2);
    expect(shifted.drifted).toBe(true);
    for (const name of ['flow.w1m.mean', 'speed.w1m.mean', 'motor_current.w1m.mean', 'vibration_rms.w5m.mean']) {
      const d = byTarget.get(name)!;
      expect(d.liveRows, name).toBeGreaterThan(1000);
      expect(d.psi, name).toBeLessThan(0.2);
      expect(d.drifted, name).toBe(false);
    }
  });

  it('raises a drift alert for the shifted feature only among the features', async () => {
    const open = await db.ch.query<{ subject: string; severity: string }>(
      `SELECT subject, severity FROM monitoring_alerts FINAL WHERE kind = 'drift' AND state = 'open' ORDER BY subject`,
    );
    const features = open.map((a) => a.subject).filter((s) => !s.includes('/score/') && !s.includes('/alert_rate/'));
    expect(features).toEqual([`${MODEL_NAME}/bearing_temp.w5m.mean/1h`]);
  });

  it('computes in SQL the same PSI and JS distance as the TypeScript maths on the live counts', () => {
    for (const d of run.drift!) {
      expect(d.liveCounts.reduce((a, b) => a + b, 0)).toBe(d.liveRows);
      expect(d.psi).toBeCloseTo(psi(d.referenceCounts, d.liveCounts), 9);
      expect(d.jsDistance).toBeCloseTo(jsDistance(d.referenceCounts, d.liveCounts), 9);
    }
  });

  it('stores the measures and exports vigil_drift_psi', async () => {
    const stored = await db.ch.query<{ n: string }>(
      `SELECT count() AS n FROM drift WHERE target = 'bearing_temp.w5m.mean' AND drifted`,
    );
    expect(Number(stored[0]!.n)).toBe(1);
    const text = await registry.metrics();
    expect(text).toMatch(
      /vigil_drift_psi\{model="sensors-pump",feature="bearing_temp\.w5m\.mean",window="1h"\} (\d+\.\d+)/,
    );
  });
});

describe('data-quality job', () => {
  it('flags the stopped asset stale, and only it', () => {
    const stale = run.quality!.findings.filter((f) => f.kind === 'stale_asset' && f.firing).map((f) => f.subject);
    expect(stale).toEqual([STOPPED]);
    expect(run.quality!.byAssetType.get('pump')!.staleAssets).toBe(1);
  });

  it('opens a stale_asset alert and exports the stale count', async () => {
    const open = await db.ch.query<{ subject: string }>(
      `SELECT subject FROM monitoring_alerts FINAL WHERE kind = 'stale_asset' AND state = 'open'`,
    );
    expect(open).toEqual([{ subject: STOPPED }]);
    expect(await registry.metrics()).toMatch(/vigil_data_stale_assets\{asset_type="pump"\} 1\n/);
  });

  it('measures completeness from the sample interval and validity from dead letters', () => {
    const completeness = run.quality!.rows.filter((r) => r.check === 'completeness');
    const stopped = completeness.find((r) => r.asset_id === STOPPED)!;
    const running = completeness.find((r) => r.asset_id === 'P-101')!;
    expect(stopped.value).toBeGreaterThan(0.5); // silent for 10 of the 15 minutes
    expect(running.value).toBeLessThan(0.05); // the simulator drops ~0.2% of readings
  });

  it('closes the stale alert once the asset reports again', async () => {
    const resumed = simulateReadings({ seed: 99, start: NOW, end: NOW + 60_000, assets: 4 }).filter(
      (r) => r.assetId === STOPPED && Object.values(r.channels).every(Number.isFinite),
    );
    await db.ch.insertRows(
      'sensor_readings',
      resumed.map((r) => ({
        event_id: `resumed-${r.eventId}`,
        asset_id: r.assetId,
        asset_type: r.assetType,
        site: r.site,
        line: r.line,
        event_time: r.eventTime,
        seq: r.seq,
        channels: r.channels,
        quality: [],
        source_topic: 'vigil.sensors',
        source_partition: 0,
        source_offset: r.seq,
      })),
    );
    clock = NOW + 60_000;
    const monitoring = createMonitoring(
      { ch: db.ch, config, logger: createLogger('silent'), registry: createMetricsRegistry(), clock: () => clock },
      { schedule: false },
    );
    const second = await monitoring.runOnce();
    expect(second.alerts.filter((a) => a.kind === 'stale_asset').map((a) => [a.subject, a.state])).toEqual([
      [STOPPED, 'closed'],
    ]);
  });
});
