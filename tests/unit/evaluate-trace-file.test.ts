import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import { isVigilError } from '../../core/errors.js';
import { ScoreTrace } from '../../evaluation/score-trace.js';
import { loadRun, saveRun } from '../../evaluation/trace-file.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-trace-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('saved evaluation traces', () => {
  it('give back the same scores, faults and period, hence the same alerts', async () => {
    const trace = new ScoreTrace();
    // Float32-exact scores (the ONNX output type) with a burst that opens and closes an alert on key A.
    const scores = [0.25, 2, 2, 2, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.125];
    for (const [i, s] of scores.entries()) trace.add('A', 1_000 * i, s, 1, i < 6 ? 0.8 : 0);
    trace.add('B', 500, 0.75, 0.5);
    const faults = [{ key: 'A', kind: 'spike', start: 1_000, end: 3_000 }];
    const path = join(dir, 'run.trace');
    await saveRun(path, { trace, faults, from: 0, to: 20_000, assets: 2, source: 'test' });
    const back = await loadRun(path);
    expect(back).toMatchObject({ faults, from: 0, to: 20_000, assets: 2, source: 'test' });
    expect([...back.trace.series()]).toEqual([...trace.series()]);
    const policy = { ...DEFAULT_ALERT_POLICY, name: 'p' };
    expect(back.trace.replayAlerts(policy)).toEqual(trace.replayAlerts(policy));
    expect(trace.replayAlerts(policy)).toEqual([{ key: 'A', openedAt: 3_000, closedAt: 8_000 }]);
  });

  it('reads a file saved before speeds were kept as speeds unknown', async () => {
    const trace = new ScoreTrace();
    trace.add('A', 0, 2, 1, 0.8);
    const path = join(dir, 'old.trace');
    await saveRun(path, { trace, faults: [], from: 0, to: 1_000, assets: 1, source: 'test' });
    const doc = JSON.parse(readFileSync(path, 'utf8'));
    for (const k of doc.keys) delete k.speeds;
    writeFileSync(path, JSON.stringify(doc));
    const [series] = [...(await loadRun(path)).trace.series()];
    expect([...series!.speeds]).toEqual([Number.NaN]);
    expect([...series!.scores]).toEqual([2]);
  });

  it('refuses a file that is not a saved trace with a typed error', async () => {
    const path = join(dir, 'other.json');
    writeFileSync(path, JSON.stringify({ format: 'something-else' }));
    const error = await loadRun(path).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_EVALUATION_TRACE_INVALID')).toBe(true);
    expect(String(error)).toMatch(/format something-else/);
  });
});
