/**
 * The web UI in a real browser (Debian's Chromium driven by playwright-core) against a real server (fastify +
 * embedded ClickHouse): sign in with a key, see a new alert arrive live and acknowledge it, upload a CSV and see
 * its anomalies. Screenshots go to tests/artifacts/ (gitignored) for a human to look at.
 */

import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRow, inferenceRow, sensorReadingRow } from '../../adapters/clickhouse/rows.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import { configWith } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { ScoringPipeline, sensorStream, staticModels } from '../../core/scoring/index.js';
import { alertTransitions } from '../../monitoring/alert-transitions.js';
import { type DriftResult, driftFindings, driftRows } from '../../monitoring/drift-job.js';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../monitoring/drift-thresholds.js';
import { DEFAULT_UI_DIR } from '../../serving/server.js';
import { waitFor } from '../helpers/wait.js';
import {
  openServingFixture,
  pumpFeatureSet,
  pumpReadings,
  type ServingFixture,
  TEST_FEATURE_ENV,
  zScoreModel,
} from '../integration/serving-fixture.js';

const ARTIFACTS = new URL('../artifacts/', import.meta.url).pathname;
const CHROMIUM = process.env.VIGIL_CHROMIUM ?? '/usr/bin/chromium';

let fx: ServingFixture;
let url: string;
let browser: BrowserContext;
let page: Page;

/**
 * A fault shape the z-score model alerts on: vibration of one asset growing threefold per reading for six
 * readings: on the first asset in the last seconds of the seeded plant (an alert still open), or from row 100 of a
 * one-asset file (`single`).
 */
function spiked(readings: SensorReading[], single = false): SensorReading[] {
  const first = readings[0]!.assetId;
  const end = readings.at(-1)!.eventTime;
  const perAsset = new Map<string, number>();
  const burst = new Map<number, number>();
  return readings.map((r) => {
    const i = perAsset.get(r.assetId) ?? 0;
    perAsset.set(r.assetId, i + 1);
    if (r.assetId !== first) return r;
    const window = single ? (i >= 100 ? 1 : 0) : end - r.eventTime < 8_000 ? 2 : 0;
    if (window === 0) return r;
    const j = (burst.get(window) ?? 0) + 1;
    burst.set(window, j);
    if (j > 6) return r;
    return { ...r, channels: { ...r.channels, vibration_rms: (r.channels.vibration_rms ?? 1) * 3 ** j } };
  });
}

/** What the stream would have written: raw readings, inferences and alerts of three pumps over the last 20 min. */
async function seedPlant(now: number): Promise<void> {
  const readings = spiked(pumpReadings(20, 3, 3, now - 20 * 60_000));
  const config = configWith({ ...TEST_FEATURE_ENV });
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  // No cool-down: the simulator's own faults may have alerted minutes before the final burst.
  const pipeline = new ScoringPipeline(stream, staticModels({ pump: [zScoreModel(pumpFeatureSet())] }), {
    ...DEFAULT_ALERT_POLICY,
    cooldownMs: 0,
    name: 'sensors',
  });
  const items = readings.map((event, i) => ({
    event,
    source: { topic: 'vigil.sensor-readings', partition: 0, offset: String(i) },
  }));
  const out = await pipeline.process(items, { emit: true, scoredAt: now });
  expect(out.alerts.length).toBeGreaterThan(0);
  await fx.tch.ch.insertRows(
    'sensor_readings',
    readings.map((r, i) => sensorReadingRow(r, { topic: 'vigil.sensor-readings', partition: 0, offset: String(i) })),
  );
  await fx.tch.ch.insertRows(
    'inferences',
    out.inferences.map((inf) => inferenceRow(inf)),
  );
  await fx.tch.ch.insertRows(
    'alerts',
    out.alerts.map((a) => alertRow(a)),
  );
  await seedDrift(now - 60_000);
}

/** What the monitor's drift job would have stored for the pump model: one drifted feature (with its alert). */
async function seedDrift(at: number): Promise<void> {
  const measure = (target: string, psi: number): DriftResult => ({
    computedAt: at,
    window: '1h',
    windowMs: 3_600_000,
    stream: 'sensors',
    model: 'sensors-pump',
    version: 'zmax-1',
    kind: 'feature',
    target,
    psi,
    jsDistance: psi / 2,
    liveRows: 1_200,
    liveCounts: [400, 400, 400],
    referenceCounts: [0.3, 0.4, 0.3],
    drifted: psi > DEFAULT_DRIFT_THRESHOLDS.psi,
  });
  const results = [measure('bearing_temp.w30s.mean', 0.62), measure('flow.w10s.mean', 0.03)];
  await fx.tch.ch.insertRows('drift', driftRows(results));
  const findings = driftFindings(results, DEFAULT_DRIFT_THRESHOLDS);
  await fx.tch.ch.insertRows(
    'monitoring_alerts',
    alertTransitions([], findings, at) as unknown as Record<string, unknown>[],
  );
}

async function shot(name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `serving-${name}.png`), fullPage: true });
}

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fx = await openServingFixture({ VIGIL_API_LIVE_POLL: '250ms' }, DEFAULT_UI_DIR);
  await seedPlant(Date.now());
  url = await fx.server.app.listen({ host: '127.0.0.1', port: 0 });
  // A fresh profile per run (playwright takes it as userDataDir, not as a --user-data-dir argument).
  browser = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'vigil-chromium-')), {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
  page.on('pageerror', (error) => {
    throw error;
  });
});

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

describe('web UI', () => {
  it('refuses a wrong key, then signs in with an operator key and shows the plant', async () => {
    await page.goto(url);
    await page.fill('input[name=apiKey]', 'vgl_00000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA');
    await page.click('button[type=submit]');
    await page.waitForSelector('text=This key is not valid');
    await page.fill('input[name=apiKey]', fx.keys.operator);
    await page.click('button[type=submit]');
    await page.waitForSelector('.asset-card');
    expect(await page.locator('.asset-card').count()).toBe(3);
    // The operator's navigation has no audit page (admin only).
    expect(await page.locator('nav.top a', { hasText: 'Audit' }).count()).toBe(0);
    await shot('overview');
  });

  it('shows a new alert live and acknowledges it with a verdict', async () => {
    await page.click('nav.top a:has-text("Alerts")');
    await page.waitForSelector('.live-live');
    const now = Date.now();
    await fx.tch.ch.insertRows('alerts', [
      alertRow({
        stream: 'sensors',
        alertId: 'alert-e2e-live',
        key: 'pump-001',
        state: 'open',
        severity: 'critical',
        openedAt: now - 30_000,
        closedAt: null,
        eventTime: now - 30_000,
        score: 9.2,
        modelName: 'sensors-pump',
        modelVersion: 'zmax-1',
        contributors: [{ channel: 'vibration_rms', value: 14.2, normalLow: 1.1, normalHigh: 3.4, zScore: 8.7 }],
      }),
    ]);
    const row = page.locator('li[data-alert-id="alert-e2e-live"]');
    await row.waitFor({ timeout: 15_000 });
    await shot('alert-live');
    await row.locator('button', { hasText: 'Acknowledge' }).click();
    await row.locator('select[name=verdict]').selectOption('real_fault');
    await row.locator('input[name=comment]').fill('Bearing noise confirmed, work order raised');
    await row.locator('button[type=submit]').click();
    await row.locator('.ack-acknowledged').waitFor();
    expect(await row.locator('.ack-acknowledged').textContent()).toContain('real fault');
    const stored = await fx.tch.ch.query<{ verdict: string; comment: string }>(
      "SELECT verdict, comment FROM alert_acknowledgements FINAL WHERE alert_id = 'alert-e2e-live'",
    );
    expect(stored).toEqual([{ verdict: 'real_fault', comment: 'Bearing noise confirmed, work order raised' }]);
    await shot('alert-acknowledged');
  });

  it('shows alert quality per asset type and asset, with the precision of the verdict just given', async () => {
    await page.click('nav.top a:has-text("Quality")');
    const row = page.locator('table.quality-assets tr[data-asset="pump-001"]');
    await row.waitFor({ timeout: 15_000 });
    // The one alert of pump-001 was marked real_fault above: 1 reviewed, precision 100 %.
    expect(await row.locator('[data-testid=precision]').textContent()).toBe('100 %');
    const pumps = page.locator('table.quality-types tr[data-subject="pump"]');
    expect(Number(await pumps.locator('td').nth(1).textContent())).toBeGreaterThan(1);
    await shot('alert-quality');
  });

  it('shows an asset with its charts and alert history', async () => {
    const [alerted] = await fx.tch.ch.query<{ key: string }>(
      "SELECT key FROM alerts FINAL WHERE key != 'pump-001' ORDER BY opened_at DESC LIMIT 1",
    );
    await page.click('nav.top a:has-text("Plant")');
    await page.click(`a.asset-card[href="#/asset/${alerted!.key}"]`);
    await page.waitForSelector('.chart canvas');
    await page.waitForSelector('li.alert');
    expect(await page.locator('.chart').count()).toBeGreaterThan(3);
    await shot('asset');
  });

  it('scores an uploaded CSV and shows its anomalies', async () => {
    const readings = spiked(pumpReadings(4, 21, 1), true);
    const channels = Object.keys(readings[0]!.channels);
    const csv = [
      ['asset_id', 'asset_type', 'event_time', ...channels].join(','),
      ...readings.map((r) =>
        [r.assetId, 'pump', new Date(r.eventTime).toISOString(), ...channels.map((c) => r.channels[c] ?? '')].join(','),
      ),
    ].join('\n');
    const file = join(ARTIFACTS, 'serving-upload.csv');
    writeFileSync(file, csv);
    await page.click('nav.top a:has-text("Score a file")');
    await page.setInputFiles('input[type=file]', file);
    await page.click('form.upload button[type=submit]');
    const count = await waitFor(
      async () => {
        const text = await page.locator('[data-testid=anomaly-count]').textContent({ timeout: 1_000 });
        return text !== null && Number(text) > 0 && Number(text);
      },
      { description: 'the anomaly count', timeoutMs: 30_000 },
    );
    expect(count).toBeGreaterThan(0);
    expect(await page.locator('table.anomalies tbody tr').count()).toBe(count);
    await page.waitForSelector('.chart canvas');
    await shot('score-file');
  });

  it('shows an admin the models and the audit trail of who predicted what', async () => {
    await page.click('nav.top button:has-text("Sign out")');
    await page.fill('input[name=apiKey]', fx.keys.admin);
    await page.click('button[type=submit]');
    await page.click('nav.top a:has-text("Models")');
    await page.waitForSelector('text=zmax-1');
    // The production vs shadow table of the live stream's scores (anomaly rate in %).
    await page.waitForSelector('td:has-text(" %")');
    // The drift panel (GET /v1/drift): the drifted feature first, and its open drift alert.
    await page.waitForSelector('.drift td:has-text("bearing_temp.w30s.mean")');
    expect(await page.locator('.drift tbody tr').first().textContent()).toContain('drift');
    expect(await page.locator('.drift-alerts li').first().textContent()).toContain('bearing_temp.w30s.mean');
    await shot('models');
    await page.click('nav.top a:has-text("Audit")');
    await page.waitForSelector('text=POST /v1/score/file');
    const rows = await page.locator('table.table tbody tr').count();
    expect(rows).toBeGreaterThan(3);
    await shot('audit');
  });
});
