import { setImmediate as nextImmediate } from 'node:timers/promises';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { byTurns, inForeground, MAX_DEFER_MS, mapByTurns } from '../../core/turns.js';

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** Lets `n` turns of the event loop pass. */
async function turnsPass(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextImmediate();
}

/** Runs a background loop over `count` items, recording how many it has done. */
function background(count: number): { done: () => number; finished: Promise<void> } {
  let done = 0;
  const finished = (async () => {
    for await (const _ of byTurns(
      Array.from({ length: count }, (_, i) => i),
      1,
    ))
      done++;
  })();
  return { done: () => done, finished };
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

  it('give the event loop back before every slice, the first included', async () => {
    const items = Array.from({ length: 200 }, (_, i) => i);
    for (const run of [
      async (onItem: () => void) => {
        for await (const _ of byTurns(items, 50)) onItem();
      },
      (onItem: () => void) => mapByTurns(items, onItem, 50),
    ]) {
      let done = 0;
      const seenAt: number[] = [];
      // Queued before the loop: runs before its first slice. Queued during the first slice: runs before the second.
      setImmediate(() => seenAt.push(done));
      await run(() => {
        if (done === 0) setImmediate(() => seenAt.push(done));
        done++;
      });
      expect(seenAt).toEqual([0, 50]);
    }
  });
});

describe('foreground work goes first', () => {
  it('a background loop takes no turn while foreground work awaits, and goes on once it settles', async () => {
    const loop = background(50);
    const progress = await inForeground(async () => {
      const before = loop.done();
      // Turns of the event loop during which the background would otherwise advance one item each.
      await turnsPass(10);
      return loop.done() - before;
    });
    expect(progress).toBeLessThanOrEqual(1);
    await loop.finished;
    expect(loop.done()).toBe(50);
  });

  it('without foreground work a background loop advances every turn', async () => {
    const loop = background(50);
    await turnsPass(10);
    expect(loop.done()).toBeGreaterThanOrEqual(5);
    await loop.finished;
  });

  it('a background turn waits at most MAX_DEFER_MS, so a foreground waiting on background work still finishes', async () => {
    const started = performance.now();
    const result = await inForeground(async () => {
      // Background work the foreground itself depends on: deferred, never deadlocked.
      const loop = background(3);
      await loop.finished;
      return loop.done();
    });
    expect(result).toBe(3);
    // Its turns were deferred, each by the bound (the bound, not the speed of this machine, is asserted).
    expect(performance.now() - started).toBeGreaterThanOrEqual(MAX_DEFER_MS - 1);
  });

  it('nested foreground work keeps the background waiting until the outermost settles', async () => {
    const loop = background(20);
    const progress = await inForeground(async () => {
      await inForeground(async () => {
        await turnsPass(5);
      });
      const atInnerEnd = loop.done();
      await turnsPass(5);
      return loop.done() - atInnerEnd;
    });
    expect(progress).toBe(0);
    await loop.finished;
    expect(loop.done()).toBe(20);
  });

  it('a foreground that throws releases the background at once', async () => {
    const loop = background(10);
    await expect(
      inForeground(async () => {
        await nextImmediate();
        throw new Error('scoring failed');
      }),
    ).rejects.toThrow('scoring failed');
    const atThrow = loop.done();
    await turnsPass(5);
    // Not after MAX_DEFER_MS: within a few turns of the event loop.
    expect(loop.done()).toBeGreaterThan(atThrow);
    await loop.finished;
  });
});
