import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type BatchScorer, CoalescedScorer } from '../../core/scoring/index.js';

const WIDTH = 3;

/** A model whose score of a row depends on that row alone (as ONNX's with one intra-op thread); records its calls. */
function rowSumModel() {
  const calls: number[] = [];
  const scorer: BatchScorer = {
    async scoreBatch(rows, n) {
      calls.push(n);
      if (rows.length < n * WIDTH) throw new Error(`${rows.length} values cannot hold ${n} rows`);
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) for (let c = 0; c < WIDTH; c++) out[r]! += rows[r * WIDTH + c]! * (c + 1);
      return out;
    },
  };
  return { calls, scorer };
}

const batchOf = (rows: number[][]) => Float32Array.from(rows.flat());
const row = fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: WIDTH, maxLength: WIDTH });
const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('CoalescedScorer: one model call for the rows asked in one turn', () => {
  it('gives every caller the scores of its own rows, and the model one call per turn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(row, { maxLength: 6 }), { minLength: 1, maxLength: 8 }), async (batches) => {
        const { calls, scorer } = rowSumModel();
        const alone = await Promise.all(batches.map((b) => rowSumModel().scorer.scoreBatch(batchOf(b), b.length)));
        const merged = new CoalescedScorer(scorer, WIDTH);
        const together = await Promise.all(batches.map((b) => merged.scoreBatch(batchOf(b), b.length)));
        expect(together.map((s) => [...s])).toEqual(alone.map((s) => [...s]));
        const nonEmpty = batches.filter((b) => b.length > 0);
        expect(calls).toEqual(nonEmpty.length === 0 ? [] : [nonEmpty.reduce((sum, b) => sum + b.length, 0)]);
      }),
    );
  });

  it('makes separate calls for rows asked in different turns', async () => {
    const { calls, scorer } = rowSumModel();
    const merged = new CoalescedScorer(scorer, WIDTH);
    const first = merged.scoreBatch(batchOf([[1, 1, 1]]), 1);
    await nextTurn();
    const second = merged.scoreBatch(batchOf([[2, 2, 2]]), 1);
    expect([...(await first), ...(await second)]).toEqual([6, 12]);
    expect(calls).toEqual([1, 1]);
  });

  it('rejects every caller of a failed call, and the next turn calls the model again', async () => {
    let fail = true;
    const merged = new CoalescedScorer(
      {
        scoreBatch: async (_rows, n) => {
          if (fail) throw new Error('session released');
          return new Float32Array(n).fill(0.5);
        },
      },
      WIDTH,
    );
    const results = await Promise.allSettled([
      merged.scoreBatch(batchOf([[1, 2, 3]]), 1),
      merged.scoreBatch(batchOf([[4, 5, 6]]), 1),
    ]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
    fail = false;
    expect([...(await merged.scoreBatch(batchOf([[1, 2, 3]]), 1))]).toEqual([0.5]);
  });

  it('hands a batch too short for its rows to the model alone, which refuses it', async () => {
    const { calls, scorer } = rowSumModel();
    const merged = new CoalescedScorer(scorer, WIDTH);
    const good = merged.scoreBatch(batchOf([[1, 0, 0]]), 1);
    await expect(merged.scoreBatch(Float32Array.of(1, 2), 1)).rejects.toThrow(/cannot hold 1 rows/);
    expect([...(await good)]).toEqual([1]);
    expect(calls).toEqual([1, 1]);
  });

  it('settles once the calls already asked for are done (a swapped-out model closes after them)', async () => {
    const releases: (() => void)[] = [];
    const merged = new CoalescedScorer(
      {
        scoreBatch: (_rows, n) =>
          new Promise((resolve) => {
            releases.push(() => resolve(new Float32Array(n)));
          }),
      },
      WIDTH,
    );
    await merged.settled();
    // One call too short to merge (handed to the model at once, alone), one merged call (the next turn).
    const pending = Promise.all([merged.scoreBatch(Float32Array.of(1), 1), merged.scoreBatch(batchOf([[1, 2, 3]]), 1)]);
    let settled = false;
    const waiting = merged.settled().then(() => {
      settled = true;
    });
    await nextTurn();
    await nextTurn();
    expect(settled).toBe(false);
    releases[1]!(); // the merged call
    await nextTurn();
    expect(settled).toBe(false); // the call alone is still running
    releases[0]!();
    await pending;
    await waiting;
    expect(settled).toBe(true);
  });
});
