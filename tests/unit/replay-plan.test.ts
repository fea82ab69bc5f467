import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import { etaMs, formatProgress } from '../../replay/progress.js';
import { checkSpec, defaultRunId, parseModelVersions, planChunks } from '../../replay/run-spec.js';
import { gapSearchFrame, warmStart } from '../../replay/warmup.js';

const H = 3_600_000;
const T0 = Date.UTC(2026, 2, 2, 6);
const R = 15 * 60_000 + 30_000;

describe('replay run spec', () => {
  it('derives the same run id from the same request, another from other keys or versions', () => {
    const spec = { stream: 'sensors' as const, from: T0, to: T0 + H, keys: ['p2', 'p1'], modelVersions: {} };
    const id = defaultRunId(spec);
    expect(id).toMatch(/^replay-sensors-20260302T060000Z-20260302T070000Z-[0-9a-f]{6}$/);
    expect(defaultRunId({ ...spec, keys: ['p1', 'p2'] })).toBe(id);
    expect(defaultRunId({ ...spec, keys: ['p1'] })).not.toBe(id);
    expect(defaultRunId({ ...spec, modelVersions: { 'sensors-pump': 'sha-1' } })).not.toBe(id);
  });

  it('parses --model-version lists and refuses malformed ones', () => {
    expect(parseModelVersions('sensors-pump=sha-1, sensors-motor=sha-2')).toEqual({
      'sensors-pump': 'sha-1',
      'sensors-motor': 'sha-2',
    });
    expect(parseModelVersions(undefined)).toEqual({});
    for (const bad of ['sensors-pump', 'a=b=c', '=x']) {
      expect(() => parseModelVersions(bad)).toThrow(/--model-version/);
    }
  });

  it('refuses an empty range, a reserved or malformed run id and an empty key list', () => {
    const ok = { runId: 'r1', stream: 'sensors' as const, from: T0, to: T0 + H, keys: undefined, modelVersions: {} };
    expect(checkSpec(ok)).toBe(ok);
    const codeOf = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return isVigilError(error) ? error.code : 'other';
      }
      return 'none';
    };
    expect(codeOf(() => checkSpec({ ...ok, to: T0 }))).toBe('VIGIL_REPLAY_BAD_RANGE');
    expect(codeOf(() => checkSpec({ ...ok, runId: 'live' }))).toBe('VIGIL_REPLAY_BAD_OPTION');
    expect(codeOf(() => checkSpec({ ...ok, runId: 'a b' }))).toBe('VIGIL_REPLAY_BAD_OPTION');
    expect(codeOf(() => checkSpec({ ...ok, keys: [] }))).toBe('VIGIL_REPLAY_BAD_OPTION');
  });

  it('cuts the range into time slices x key groups with stable ids covering every (key, time) once', () => {
    const chunks = planChunks(T0, T0 + 2.5 * H, ['c', 'a', 'b', 'a'], H, 2);
    expect(chunks.map((c) => [c.from - T0, c.to - T0, c.keys])).toEqual([
      [0, H, ['a', 'b']],
      [0, H, ['c']],
      [H, 2 * H, ['a', 'b']],
      [H, 2 * H, ['c']],
      [2 * H, 2.5 * H, ['a', 'b']],
      [2 * H, 2.5 * H, ['c']],
    ]);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(chunks.length);
    expect(planChunks(T0, T0 + 2.5 * H, ['a', 'b', 'c'], H, 2).map((c) => c.id)).toEqual(chunks.map((c) => c.id));
  });
});

describe('replay warm start', () => {
  const history = (over: Partial<Parameters<typeof warmStart>[0]>) => ({
    key: 'p1',
    firstEver: T0,
    gapStarts: [],
    firstAtOrAfter: T0 + 3 * H,
    ...over,
  });

  it('starts at the key first event when it lies within the search horizon (exact)', () => {
    expect(warmStart(history({}), T0 + 3 * H, R, 24 * H)).toEqual({ key: 'p1', start: T0, exact: true });
  });

  it('starts at the latest gap longer than the retention before the range (exact)', () => {
    const start = warmStart(history({ gapStarts: [T0 + H, T0 + 2 * H] }), T0 + 3 * H, R, 24 * H);
    expect(start).toEqual({ key: 'p1', start: T0 + 2 * H, exact: true });
  });

  it('needs no warm-up when the range itself starts after a gap', () => {
    const start = warmStart(
      history({ gapStarts: [T0 + 3 * H + 5_000], firstAtOrAfter: T0 + 3 * H + 5_000 }),
      T0 + 3 * H,
      R,
      24 * H,
    );
    expect(start).toEqual({ key: 'p1', start: T0 + 3 * H, exact: true });
  });

  it('ignores gaps after the first event of the range', () => {
    const start = warmStart(history({ gapStarts: [T0 + 3 * H + 60_000] }), T0 + 3 * H, R, 24 * H);
    expect(start.start).toBe(T0);
  });

  it('falls back to the longest window + lateness when no fresh point is within the horizon (approximate)', () => {
    expect(warmStart(history({ firstEver: T0 - 48 * H }), T0 + 3 * H, R, 24 * H)).toEqual({
      key: 'p1',
      start: T0 + 3 * H - R,
      exact: false,
    });
  });

  it('searches at least one retention back, and a little into the chunk', () => {
    expect(gapSearchFrame(T0, T0 + H, R, 0)).toEqual({ from: T0 - R, to: T0 + R });
    expect(gapSearchFrame(T0, T0 + 60_000, R, 24 * H)).toEqual({ from: T0 - 24 * H, to: T0 + 60_000 });
  });
});

describe('replay progress', () => {
  it('reports rate and an ETA from the chunks done in this pass', () => {
    const p = { doneChunks: 6, totalChunks: 10, skippedChunks: 2, events: 40_000, elapsedMs: 20_000 };
    expect(etaMs(p)).toBe(20_000);
    expect(formatProgress(p)).toBe('chunks 6/10 (60%) · 40000 events · 2000 events/s · ETA 20s');
    expect(formatProgress({ ...p, doneChunks: 2 })).toContain('ETA ?');
  });
});
