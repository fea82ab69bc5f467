import { describe, expect, it } from 'vitest';
import {
  type AssetHistory,
  type Interval,
  replayAlerts,
  type ScorePoint,
  suggestThreshold,
} from '../../alert-workflow/threshold-suggestions.js';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';

const POLICY = { ...DEFAULT_ALERT_POLICY, name: 'suggest-test', cooldownMs: 60_000 };
const STEP = 10_000;

/** Calm scores around 0.5 with bursts of `level` for 10 samples at the given sample indexes. */
function scores(n: number, bursts: { at: number; level: number }[]): ScorePoint[] {
  const out: ScorePoint[] = [];
  for (let i = 0; i < n; i++) {
    const burst = bursts.find((b) => i >= b.at && i < b.at + 10);
    out.push({ eventTime: i * STEP, score: burst ? burst.level : 0.5 + 0.05 * Math.sin(i) });
  }
  return out;
}

const span = (at: number): Interval => ({ start: at * STEP, end: (at + 10) * STEP });

function history(partial: Partial<AssetHistory> & Pick<AssetHistory, 'scores'>): AssetHistory {
  return {
    key: 'pump-01',
    subject: 'pump',
    currentThreshold: 1,
    faults: [],
    falseAlarms: [],
    exhaustiveFaults: false,
    ...partial,
  };
}

describe('threshold suggestions', () => {
  it('replays the alert policy: one alert per burst above the threshold', () => {
    const s = scores(400, [
      { at: 50, level: 1.3 },
      { at: 200, level: 3 },
    ]);
    expect(replayAlerts(s, 1, POLICY, 'k')).toHaveLength(2);
    expect(replayAlerts(s, 2, POLICY, 'k')).toHaveLength(1);
    expect(replayAlerts(s, 5, POLICY, 'k')).toHaveLength(0);
  });

  it('raises a threshold whose only extra alerts were false alarms, keeping every real fault: fewer alerts', () => {
    const s = scores(600, [
      { at: 50, level: 1.3 },
      { at: 150, level: 1.2 },
      { at: 250, level: 1.35 },
      { at: 400, level: 3 },
    ]);
    const h = history({ scores: s, faults: [span(400)], falseAlarms: [span(50), span(150), span(250)] });
    const r = suggestThreshold(h, POLICY);
    expect(r.suggestedThreshold).toBeGreaterThan(r.currentThreshold);
    expect(r.current.alerts).toBe(4);
    expect(r.alertCountChange).toBeLessThan(0);
    expect(r.suggested.falseAlerts).toBe(0);
    expect(r.recallBefore).toBe(1);
    expect(r.recallAfter).toBe(1);
    expect(r.reason).toMatch(/^raise/);
  });

  it('lowers a threshold that missed ground-truth faults: more alerts, higher recall', () => {
    const s = scores(600, [
      { at: 100, level: 0.85 },
      { at: 300, level: 0.9 },
      { at: 450, level: 2 },
    ]);
    const h = history({ scores: s, faults: [span(100), span(300), span(450)], exhaustiveFaults: true });
    const r = suggestThreshold(h, POLICY);
    expect(r.suggestedThreshold).toBeLessThan(r.currentThreshold);
    expect(r.alertCountChange).toBeGreaterThan(0);
    expect(r.recallAfter!).toBeGreaterThan(r.recallBefore!);
    expect(r.recallAfter).toBe(1);
    expect(r.suggested.falseAlerts).toBe(0);
    expect(r.reason).toMatch(/^lower/);
  });

  it('never trades a detected fault for fewer alerts', () => {
    const s = scores(600, [
      { at: 50, level: 1.3 },
      { at: 300, level: 1.3 },
    ]);
    const h = history({ scores: s, faults: [span(300)], falseAlarms: [span(50)] });
    const r = suggestThreshold(h, POLICY);
    expect(r.recallAfter).toBe(1);
    expect(r.suggested.faultsDetected).toBe(1);
  });

  it('keeps the threshold of an asset without labels, and does not count unreviewed alerts as false', () => {
    const s = scores(400, [{ at: 50, level: 1.3 }]);
    const none = suggestThreshold(history({ scores: s }), POLICY);
    expect(none.suggestedThreshold).toBe(1);
    expect(none.alertCountChange).toBe(0);
    const oneFault = suggestThreshold(
      history({
        scores: scores(400, [
          { at: 50, level: 1.3 },
          { at: 200, level: 3 },
        ]),
        faults: [span(200)],
      }),
      POLICY,
    );
    expect(oneFault.current.falseAlerts).toBe(0);
    expect(oneFault.suggestedThreshold).toBe(1);
  });
});
