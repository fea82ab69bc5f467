/**
 * GET /v1/drift against the real embedded ClickHouse: drift measures and drift alerts written by the drift job's
 * own row and transition code (monitoring/drift-job.ts, alert-transitions.ts, alert-store.ts) over two runs, read
 * back with each filter (model, window, target, time range, drifted, latest, limit).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readOpenAlerts, writeAlertRows } from '../../monitoring/alert-store.js';
import { alertTransitions } from '../../monitoring/alert-transitions.js';
import { type DriftResult, driftFindings, driftRows } from '../../monitoring/drift-job.js';
import { DEFAULT_DRIFT_THRESHOLDS } from '../../monitoring/drift-thresholds.js';
import type { DriftAlertView, DriftMeasureView } from '../../serving/queries/drift.js';
import { auth, openServingFixture, type ServingFixture } from './serving-fixture.js';

const HOUR = 3_600_000;
const DAY = 86_400_000;
// Recent times: the drift table keeps 180 days (TTL), older rows may be gone as soon as they are written.
const T1 = Math.floor(Date.now() / HOUR) * HOUR - 3 * HOUR;
const T2 = T1 + HOUR;

function measure(
  computedAt: number,
  model: string,
  window: '1h' | '1d',
  target: string,
  psi: number,
  kind: DriftResult['kind'] = 'feature',
): DriftResult {
  const drifted = psi > DEFAULT_DRIFT_THRESHOLDS.psi;
  return {
    computedAt,
    window,
    windowMs: window === '1h' ? HOUR : DAY,
    stream: 'sensors',
    model,
    version: `${model === 'sensors-pump' ? 'pump' : 'fan'}-3`,
    kind,
    target,
    psi,
    jsDistance: psi / 2,
    liveRows: 3_600,
    liveCounts: [10, 20, drifted ? 3_000 : 570],
    referenceCounts: [0.25, 0.5, 0.25],
    drifted,
  };
}

/** The drift job's two runs: bearing temperature drifts at T1 (both windows), the 1 h window recovers at T2. */
const RUNS: readonly (readonly DriftResult[])[] = [
  [
    measure(T1, 'sensors-pump', '1h', 'flow.w1m.mean', 0.05),
    measure(T1, 'sensors-pump', '1h', 'bearing_temp.w5m.mean', 0.5),
    measure(T1, 'sensors-pump', '1h', 'score', 0.01, 'score'),
    measure(T1, 'sensors-pump', '1d', 'bearing_temp.w5m.mean', 0.3),
    measure(T1, 'sensors-fan', '1h', 'vibration_rms.w1m.mean', 0.02),
  ],
  [
    measure(T2, 'sensors-pump', '1h', 'flow.w1m.mean', 0.04),
    measure(T2, 'sensors-pump', '1h', 'bearing_temp.w5m.mean', 0.1),
    measure(T2, 'sensors-pump', '1h', 'score', 0.02, 'score'),
  ],
];

let fx: ServingFixture;
beforeAll(async () => {
  fx = await openServingFixture();
  const ch = fx.tch.ch;
  for (const results of RUNS) {
    const now = results[0]!.computedAt;
    await ch.insertRows('drift', driftRows(results));
    const open = await readOpenAlerts(ch, ['drift']);
    await writeAlertRows(ch, alertTransitions(open, driftFindings(results, DEFAULT_DRIFT_THRESHOLDS), now));
  }
});
afterAll(async () => {
  await fx?.close();
});

/** The route's answer (the response schema in serving/plugins/drift.ts declares these views). */
interface DriftAnswer {
  from: number;
  to: number;
  measures: DriftMeasureView[];
  alerts: DriftAlertView[];
}

async function drift(query: string, role: 'viewer' | 'operator' | 'admin' = 'viewer') {
  const res = await fx.server.app.inject({ method: 'GET', url: `/v1/drift?${query}`, headers: auth(fx.keys[role]) });
  return { status: res.statusCode, body: res.json() as DriftAnswer };
}

const WHOLE = `from=${T1 - 1}&to=${T2 + 1}`;

describe('GET /v1/drift', () => {
  it('returns every stored measure of the range, newest first, with its bin counts', async () => {
    const { status, body } = await drift(WHOLE);
    expect(status).toBe(200);
    expect(body.from).toBe(T1 - 1);
    expect(body.to).toBe(T2 + 1);
    expect(body.measures).toHaveLength(8);
    expect(body.measures.slice(0, 3).every((m) => m.computedAt === T2)).toBe(true);
    const bearing = body.measures.find(
      (m) => m.computedAt === T1 && m.target === 'bearing_temp.w5m.mean' && m.window === '1h',
    );
    expect(bearing).toEqual({
      computedAt: T1,
      model: 'sensors-pump',
      version: 'pump-3',
      stream: 'sensors',
      window: '1h',
      windowMs: HOUR,
      kind: 'feature',
      target: 'bearing_temp.w5m.mean',
      psi: 0.5,
      jsDistance: 0.25,
      liveRows: 3_600,
      liveCounts: [10, 20, 3_000],
      referenceCounts: [0.25, 0.5, 0.25],
      drifted: true,
    });
  });

  it('filters by model, window and target', async () => {
    const fan = await drift(`${WHOLE}&model=sensors-fan`);
    expect(fan.body.measures.map((m) => m.target)).toEqual(['vibration_rms.w1m.mean']);
    expect(fan.body.alerts).toEqual([]);

    const day = await drift(`${WHOLE}&model=sensors-pump&window=1d`);
    expect(day.body.measures.map((m) => [m.window, m.target])).toEqual([['1d', 'bearing_temp.w5m.mean']]);

    const score = await drift(`${WHOLE}&target=score`);
    expect(score.body.measures.map((m) => [m.computedAt, m.kind])).toEqual([
      [T2, 'score'],
      [T1, 'score'],
    ]);
  });

  it('latest: the newest measure of each model, window and target; drifted: only measures over threshold', async () => {
    const latest = await drift(`${WHOLE}&model=sensors-pump&window=1h&latest=true`);
    expect(latest.body.measures.map((m) => [m.target, m.psi]).sort()).toEqual([
      ['bearing_temp.w5m.mean', 0.1],
      ['flow.w1m.mean', 0.04],
      ['score', 0.02],
    ]);
    const drifted = await drift(`${WHOLE}&drifted=true`);
    expect(drifted.body.measures.map((m) => `${m.window} ${m.target} ${m.psi}`).sort()).toEqual([
      '1d bearing_temp.w5m.mean 0.3',
      '1h bearing_temp.w5m.mean 0.5',
    ]);
  });

  it('returns the drift alerts open during the range, with their latest state', async () => {
    const all = await drift(`${WHOLE}&target=bearing_temp.w5m.mean`);
    const byWindow = Object.fromEntries(all.body.alerts.map((a) => [a.window, a]));
    expect(Object.keys(byWindow).sort()).toEqual(['1d', '1h']);
    expect(byWindow['1h']).toMatchObject({
      subject: 'sensors-pump/bearing_temp.w5m.mean/1h',
      state: 'closed',
      severity: 'high',
      openedAt: T1,
      closedAt: T2,
      model: 'sensors-pump',
    });
    expect(byWindow['1d']).toMatchObject({ state: 'open', severity: 'medium', closedAt: null });

    // After the 1 h alert closed, only the 1 d one is still open (and no measure was taken).
    const later = await drift(`from=${T2 + 1}&to=${T2 + HOUR}`);
    expect(later.body.measures).toEqual([]);
    expect(later.body.alerts.map((a) => a.subject)).toEqual(['sensors-pump/bearing_temp.w5m.mean/1d']);
    // Before the first run: nothing.
    const before = await drift(`from=${T1 - DAY}&to=${T1}`);
    expect(before.body).toMatchObject({ measures: [], alerts: [] });
  });

  it('honours the limit, and names the field of a bad filter', async () => {
    const limited = await drift(`${WHOLE}&limit=2`);
    expect(limited.body.measures).toHaveLength(2);
    expect(limited.body.measures.every((m) => m.computedAt === T2)).toBe(true);

    for (const [query, field] of [
      ['window=an-hour', 'window'],
      ['limit=0', 'limit'],
      [`from=${T2}&to=${T1}`, 'from'],
    ] as const) {
      const res = await fx.server.app.inject({
        method: 'GET',
        url: `/v1/drift?${query}`,
        headers: auth(fx.keys.viewer),
      });
      expect(res.statusCode, query).toBe(400);
      expect(res.json().message, query).toContain(field);
    }
  });

  it('treats a filter value as data, never as SQL', async () => {
    const { status, body } = await drift(`${WHOLE}&model=${encodeURIComponent("x' OR 1=1 --")}`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ measures: [], alerts: [] });
  });
});
