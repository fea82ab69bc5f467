import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rowsYielding } from '../../adapters/clickhouse/client.js';

async function collect(stream: AsyncIterable<unknown>): Promise<unknown[]> {
  const out: unknown[] = [];
  for await (const row of stream) out.push(row);
  return out;
}

describe('rowsYielding: the rows of a large insert, a slice per turn of the event loop', () => {
  it('streams every row once, in order, for any row count and slice size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 300 }), fc.integer({ min: 1, max: 70 }), async (count, perTurn) => {
        const rows = Array.from({ length: count }, (_, i) => ({ i }));
        expect(await collect(rowsYielding(rows, perTurn))).toEqual(rows);
      }),
      { numRuns: 50 },
    );
  });

  it('lets work queued on the event loop run between slices', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ i }));
    const seenAt: number[] = [];
    let consumed = 0;
    setImmediate(() => seenAt.push(consumed));
    for await (const _ of rowsYielding(rows, 50)) consumed++;
    expect(seenAt).toHaveLength(1);
    expect(seenAt[0]).toBeGreaterThan(0);
    expect(seenAt[0]).toBeLessThan(200);
  });
});
