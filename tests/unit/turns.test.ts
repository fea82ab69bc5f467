import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byTurns, mapByTurns } from '../../core/turns.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

describe('byTurns / mapByTurns: long loops that give the event loop back', () => {
  it('keep every item once, in order, for any count and slice size', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat({ max: 300 }), fc.integer({ min: 1, max: 70 }), async (count, perTurn) => {
        const items = Array.from({ length: count }, (_, i) => i);
        expect(await collect(byTurns(items, perTurn))).toEqual(items);
        expect(await mapByTurns(items, (i) => i * 2, perTurn)).toEqual(items.map((i) => i * 2));
      }),
      { numRuns: 50 },
    );
  });

  it('let work queued on the event loop run between slices', async () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    for (const run of [
      async (onItem: () => void) => {
        for await (const _ of byTurns(items, 50)) onItem();
      },
      (onItem: () => void) => mapByTurns(items, onItem, 50),
    ]) {
      let done = 0;
      const seenAt: number[] = [];
      setImmediate(() => seenAt.push(done));
      await run(() => done++);
      expect(seenAt).toHaveLength(1);
      expect(seenAt[0]).toBeGreaterThan(0);
      expect(seenAt[0]).toBeLessThan(200);
    }
  });
});
