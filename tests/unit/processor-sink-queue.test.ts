import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SinkQueue } from '../../stream-processors/sink-queue.js';

/** A job that finishes when told to, recording when it started and ended. */
function gate(log: string[], name: string) {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return {
    open,
    job: async () => {
      log.push(`start ${name}`);
      await opened;
      log.push(`end ${name}`);
    },
  };
}

describe('SinkQueue: durable outputs behind the scoring, in order, bounded', () => {
  it('runs jobs one at a time in submission order, whatever their durations', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 12 }), async (ticks) => {
        const queue = new SinkQueue(2);
        const log: string[] = [];
        let running = 0;
        let maxRunning = 0;
        for (const [i, t] of ticks.entries()) {
          await queue.submit(async () => {
            running++;
            maxRunning = Math.max(maxRunning, running);
            for (let k = 0; k < t; k++) await Promise.resolve();
            log.push(String(i));
            running--;
          });
        }
        await queue.drain();
        expect(log).toEqual(ticks.map((_, i) => String(i)));
        expect(maxRunning).toBe(1);
      }),
    );
  });

  it('lets the caller go on while the bound allows, and holds it once the bound is reached', async () => {
    const queue = new SinkQueue(2);
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const c = gate(log, 'c');
    await queue.submit(a.job); // a runs
    await queue.submit(b.job); // b waits: 2 pending, at the bound
    let thirdReturned = false;
    const third = queue.submit(c.job).then(() => {
      thirdReturned = true;
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(thirdReturned).toBe(false);
    expect(queue.pending).toBe(3);
    a.open();
    await third;
    expect(thirdReturned).toBe(true);
    b.open();
    c.open();
    await queue.drain();
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
    expect(queue.pending).toBe(0);
  });

  it('skips the jobs behind a failed one and throws that failure to every later submit and drain', async () => {
    const queue = new SinkQueue(3);
    const ran: string[] = [];
    const failure = new Error('insert refused');
    await queue.submit(async () => {
      ran.push('a');
      throw failure;
    });
    await queue
      .submit(async () => {
        ran.push('b');
      })
      .catch(() => {});
    await expect(queue.drain()).rejects.toBe(failure);
    await expect(queue.submit(async () => void ran.push('c'))).rejects.toBe(failure);
    await expect(queue.drain()).rejects.toBe(failure);
    expect(ran).toEqual(['a']);
  });

  it('releases a caller held by the bound when the job ahead fails', async () => {
    const queue = new SinkQueue(1);
    const failure = new Error('disk full');
    let fail!: () => void;
    await queue.submit(
      () =>
        new Promise<void>((_, reject) => {
          fail = () => reject(failure);
        }),
    );
    const held = queue.submit(async () => {});
    fail();
    await expect(held).rejects.toBe(failure);
  });

  it('refuses a bound below one', () => {
    expect(() => new SinkQueue(0)).toThrow(RangeError);
  });
});
