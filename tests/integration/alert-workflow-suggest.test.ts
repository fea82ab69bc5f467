import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRow, inferenceRow } from '../../adapters/clickhouse/rows.js';
import type { ThresholdSuggestion } from '../../alert-workflow/threshold-suggestions.js';
import type { Alert, Inference } from '../../core/events/types.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

const T0 = Date.UTC(2026, 2, 2);
const STEP = 10_000;
const N = 600;
let db: TestClickHouse;

/** Stored production scores of one asset: calm around 0.5, bursts of 10 samples at the given levels. */
function inferences(key: string, bursts: { at: number; level: number }[]): Inference[] {
  return Array.from({ length: N }, (_, i) => {
    const burst = bursts.find((b) => i >= b.at && i < b.at + 10);
    const score = burst ? burst.level : 0.5;
    return {
      inferenceId: `${key}-${i}`,
      stream: 'sensors',
      eventId: `${key}-e${i}`,
      key,
      eventTime: T0 + i * STEP,
      scoredAt: T0 + i * STEP,
      score,
      threshold: 1,
      anomaly: score > 1,
      modelName: 'sensors-pump',
      modelVersion: '1',
      modelRole: 'production',
      featureSet: 'sensors.pump',
      featureSetVersion: '1',
      features: {},
      sourceTopic: 't',
      sourcePartition: 0,
      sourceOffset: String(i),
    };
  });
}

function alertWithVerdict(key: string, at: number, verdict: 'real_fault' | 'false_alarm') {
  const alert: Alert = {
    alertId: `${key}-alert-${at}`,
    stream: 'sensors',
    key,
    state: 'closed',
    severity: 'high',
    openedAt: T0 + (at + 2) * STEP,
    closedAt: T0 + (at + 15) * STEP,
    eventTime: T0 + (at + 15) * STEP,
    score: 1.3,
    modelName: 'sensors-pump',
    modelVersion: '1',
    contributors: [],
  };
  const ack = {
    alert_id: alert.alertId,
    stream: 'sensors',
    key,
    ack_by: 'tech',
    ack_at: alert.closedAt! + 60_000,
    verdict,
    comment: verdict === 'false_alarm' ? 'sensor wiggle during cleaning' : 'bearing worn',
    action: 'resolved',
  };
  return { alert: alertRow(alert), ack };
}

beforeAll(async () => {
  db = await openTestClickHouse();
  // pump-a: operators marked three alerts false alarms (bursts at 1.2-1.35) and one a real fault (3.0).
  const noisy = [
    { at: 50, level: 1.3 },
    { at: 150, level: 1.2 },
    { at: 250, level: 1.35 },
    { at: 400, level: 3 },
  ];
  // pump-b: the simulator's ground truth has three faults; two scored just below the threshold and were missed.
  const quiet = [
    { at: 100, level: 0.85 },
    { at: 300, level: 0.9 },
    { at: 450, level: 2 },
  ];
  await db.ch.insertRows(
    'inferences',
    [...inferences('pump-a', noisy), ...inferences('pump-b', quiet)].map((i) => inferenceRow(i)),
  );
  const labelled = [
    alertWithVerdict('pump-a', 50, 'false_alarm'),
    alertWithVerdict('pump-a', 150, 'false_alarm'),
    alertWithVerdict('pump-a', 250, 'false_alarm'),
    alertWithVerdict('pump-a', 400, 'real_fault'),
  ];
  await db.ch.insertRows(
    'alerts',
    labelled.map((l) => l.alert),
  );
  await db.ch.insertRows(
    'alert_acknowledgements',
    labelled.map((l) => l.ack),
  );
  await db.ch.insertRows(
    'fault_ground_truth',
    [100, 300, 450].map((at) => ({
      source: 'simulator',
      stream: 'sensors',
      key: 'pump-b',
      channels: ['bearing_temp_c'],
      kind: 'bearing_wear',
      start_time: T0 + at * STEP,
      end_time: T0 + (at + 10) * STEP,
    })),
  );
});

afterAll(async () => {
  await db?.close();
});

/** The alert policy these scores were designed for (3 of 5 open, 5 calm close), whatever the deployment defaults. */
const POLICY_ENV = {
  VIGIL_ALERT_K: '3',
  VIGIL_ALERT_N: '5',
  VIGIL_ALERT_CLOSE_AFTER: '5',
  VIGIL_ALERT_OPEN_RATIO: '0',
  VIGIL_ALERT_COOLDOWN: '1m',
};

describe('vigil thresholds suggest', () => {
  it('raises the threshold of an asset with false alarms (fewer alerts) and lowers the one that missed faults (more alerts, higher recall)', async () => {
    const run = await runCli(['thresholds', 'suggest', '--from', String(T0), '--to', String(T0 + N * STEP), '--json'], {
      ...db.env,
      ...POLICY_ENV,
    });
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const byKey = new Map(
      run.out
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l) as ThresholdSuggestion)
        .map((s) => [s.key, s]),
    );
    const a = byKey.get('pump-a')!;
    expect(a.currentThreshold).toBe(1);
    expect(a.suggestedThreshold).toBeGreaterThan(1);
    expect(a.alertCountChange).toBeLessThan(0);
    expect(a.suggested.faultsDetected).toBe(1);

    const b = byKey.get('pump-b')!;
    expect(b.suggestedThreshold).toBeLessThan(1);
    expect(b.alertCountChange).toBeGreaterThan(0);
    expect(b.recallBefore).toBeCloseTo(1 / 3);
    expect(b.recallAfter).toBe(1);
  });

  it('prints a readable table and says how to apply a suggestion', async () => {
    const run = await runCli(
      ['thresholds', 'suggest', '--from', String(T0), '--to', String(T0 + N * STEP), '--changes-only'],
      { ...db.env, ...POLICY_ENV },
    );
    expect(run.code).toBe(0);
    expect(run.out).toContain('pump-a');
    expect(run.out).toMatch(/recall 33% -> 100%/);
    expect(run.out).toContain('vigil thresholds set');
  });
});
