import { describe, expect, it } from 'vitest';
import { stagingTableOf } from '../../replay/kafka-staging.js';
import { defaultRunId } from '../../replay/run-spec.js';
import { describeGone, knownFromOf, planStaging, stagingWindow } from '../../replay/staging-plan.js';
import { warmStart } from '../../replay/warmup.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 6);
const R = 15 * 60_000 + 30_000;
const LATE = 30_000;

describe('replay --source kafka staging plan', () => {
  it('reads from the warm-up search plus one retention before the range to its end plus the lateness', () => {
    const w = stagingWindow({ from: T0, to: T0 + H }, R, LATE, 24 * H);
    expect(w).toEqual({ from: T0 - 24 * H - R, to: T0 + H + LATE + 1, needed: T0 - R });
    // A warm-up shorter than a retention still searches one retention back.
    expect(stagingWindow({ from: T0, to: T0 + H }, R, LATE, 0).from).toBe(T0 - 2 * R);
  });

  it('reads each partition from the window start to the high watermark, nothing when it has nothing there', () => {
    const plan = planStaging([
      { partition: 1, low: 0, high: 500, windowStart: 120, neededStart: 300 },
      { partition: 0, low: 0, high: 80, windowStart: 80, neededStart: 80 },
      { partition: 2, low: 0, high: 0, windowStart: 0, neededStart: 0 },
    ]);
    expect(plan.gone).toEqual([]);
    expect(plan.reads).toEqual([{ partition: 1, start: 120, end: 500, truncated: false }]);
  });

  it('reads a truncated partition from its log start and refuses when its first record is not older than needed', () => {
    const older = planStaging([{ partition: 0, low: 100, high: 900, windowStart: 100, neededStart: 400 }]);
    expect(older.gone).toEqual([]);
    expect(older.reads).toEqual([{ partition: 0, start: 100, end: 900, truncated: true }]);

    const gone = { partition: 3, low: 400, high: 900, windowStart: 400, neededStart: 400 };
    const emptied = { partition: 4, low: 70, high: 70, windowStart: 70, neededStart: 70 };
    const plan = planStaging([gone, emptied]);
    expect(plan.gone).toEqual([gone, emptied]);
    const text = describeGone(plan.gone, T0 - R);
    expect(text).toContain(new Date(T0 - R).toISOString());
    expect(text).toContain('partition 3 starts at offset 400');
    expect(text).toContain('partition 4 holds no record');
  });

  it('knows the table from the window start, or from the first record of a truncated partition when later', () => {
    const w = stagingWindow({ from: T0, to: T0 + H }, R, LATE, 24 * H);
    expect(knownFromOf(w, [])).toBe(w.from);
    expect(knownFromOf(w, [w.from - 5, T0 - 2 * H])).toBe(T0 - 2 * H);
  });

  it('a staged key whose first row is not a known fresh point falls back to the approximate warm-up', () => {
    const history = { key: 'p1', firstEver: Number.NEGATIVE_INFINITY, gapStarts: [], firstAtOrAfter: T0 + 10 };
    expect(warmStart(history, T0, R, 24 * H)).toEqual({ key: 'p1', start: T0 - R, exact: false });
  });

  it('names a kafka run and its staging table apart from the clickhouse run of the same range', () => {
    const spec = { stream: 'sensors' as const, from: T0, to: T0 + H, keys: undefined, modelVersions: {} };
    expect(defaultRunId({ ...spec, source: 'clickhouse' })).toBe(defaultRunId(spec));
    expect(defaultRunId({ ...spec, source: 'kafka' })).not.toBe(defaultRunId(spec));
    expect(stagingTableOf('nightly-2026-03-02')).toMatch(/^replay_input_[0-9a-f]{12}$/);
    expect(stagingTableOf('a')).not.toBe(stagingTableOf('b'));
  });
});
