import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SinkQueue } from '../../stream-processors/sink-queue.js';

/** A write that finishes when told to, recording the groups it was given. */
function heldWriter() {
  const groups: number[][] = [];
  const releases: (() => void)[] = [];
  const write = (items: number[]) => {
    groups.push(items);
    return new Promise<void>((resolve) => releases.push(resolve));
  };
  const releaseNext = async () => {
    while (releases.length === 0) await new Promise((resolve) => setImmediate(resolve));
    releases.shift()!();
  };
  return { groups, write, releaseNext };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('SinkQueue: durable outputs behind the scoring, in order, grouped, bounded', () => {
  it('writes every item once, in submission order, one write at a time, whatever the durations and weights', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ weight: fc.integer({ min: 1, max: 50 }), ticks: fc.integer({ min: 0, max: 3 }) }), {
          minLength: 1,
          maxLength: 15,
        }),
        fc.integer({ min: 1, max: 120 }),
        async (items, bound) => {
          const written: number[] = [];
          let writing = 0;
          let overlapped = false;
          const queue = new SinkQueue<number>(async (group) => {
            if (++writing > 1) overlapped = true;
            for (let k = 0; k < items[group[0]!]!.ticks; k++) await Promise.resolve();
            written.push(...group);
            writing--;
          }, bound);
          for (const [i, item] of items.entries()) await queue.submit(i, item.weight);
          await queue.drain();
          expect(written).toEqual(items.map((_, i) => i));
          expect(overlapped).toBe(false);
          expect(queue.pending).toBe(0);
        },
      ),
    );
  });

  it('writes the items that queued up during a write together, in the next write', async () => {
    const w = heldWriter();
    const queue = new SinkQueue<number>(w.write, 100);
    await queue.submit(1, 1);
    await settle();
    await queue.submit(2, 1);
    await queue.submit(3, 1);
    await queue.submit(4, 1);
    expect(w.groups).toEqual([[1]]);
    await w.releaseNext();
    await w.releaseNext();
    await queue.drain();
    expect(w.groups).toEqual([[1], [2, 3, 4]]);
  });

  it('holds the caller once the unfinished items weigh more than the bound, and lets it go when a write ends', async () => {
    const w = heldWriter();
    const queue = new SinkQueue<number>(w.write, 10);
    await queue.submit(1, 6); // being written
    let returned = false;
    const second = queue.submit(2, 6).then(() => {
      returned = true;
    });
    await settle();
    expect(returned).toBe(false);
    expect(queue.pending).toBe(2);
    await w.releaseNext();
    await second;
    expect(returned).toBe(true);
    await w.releaseNext();
    await queue.drain();
  });

  it('never holds an item heavier than the bound once it is the only one left', async () => {
    const w = heldWriter();
    const queue = new SinkQueue<number>(w.write, 10);
    await queue.submit(1, 500); // returns while its write is still held
    expect(queue.pending).toBe(1);
    await w.releaseNext();
    await queue.drain();
    expect(queue.pending).toBe(0);
  });

  it('drops the items behind a failed write and throws that failure to the held caller, later submits and drain', async () => {
    const failure = new Error('insert refused');
    const written: number[][] = [];
    let fail!: () => void;
    const queue = new SinkQueue<number>(async (group) => {
      written.push(group);
      if (group[0] === 1) await new Promise<void>((_, reject) => (fail = () => reject(failure)));
    }, 5);
    await queue.submit(1, 5);
    await settle();
    const held = queue.submit(2, 5);
    fail();
    await expect(held).rejects.toBe(failure);
    await expect(queue.submit(3, 1)).rejects.toBe(failure);
    await expect(queue.drain()).rejects.toBe(failure);
    expect(written).toEqual([[1]]);
    expect(queue.pending).toBe(0);
  });

  it('starts each write at least the interval after the previous one, with what was submitted meanwhile', async () => {
    let clock = 1_000;
    const waits: number[] = [];
    const starts: number[] = [];
    const groups: number[][] = [];
    let wake: (() => void) | undefined;
    const queue = new SinkQueue<number>(
      async (group) => {
        starts.push(clock);
        groups.push(group);
        clock += 30; // the write itself takes 30 ms
      },
      100,
      {
        minIntervalMs: 200,
        now: () => clock,
        sleep: (ms) => {
          waits.push(ms);
          return new Promise<void>((resolve) => {
            wake = () => {
              clock += ms;
              resolve();
            };
          });
        },
      },
    );
    await queue.submit(1, 1); // the first write starts at once
    await settle();
    await queue.submit(2, 1);
    await settle();
    await queue.submit(3, 1); // submitted while the second write waits: written with it
    expect(waits).toEqual([170]);
    wake!();
    await queue.drain();
    expect(groups).toEqual([[1], [2, 3]]);
    expect(starts).toEqual([1_000, 1_200]);
  });

  it('refuses a bound that is not positive and an interval that is negative', () => {
    expect(() => new SinkQueue<number>(async () => {}, 0)).toThrow(RangeError);
    expect(() => new SinkQueue<number>(async () => {}, 1, { minIntervalMs: -1 })).toThrow(RangeError);
  });
});
