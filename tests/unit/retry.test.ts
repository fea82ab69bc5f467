import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../core/errors.js';
import { backoffDelay, DEFAULT_RETRY, sleepBeating, withRetry } from '../../core/retry.js';

const testError = errorCatalogue({
  VIGIL_TEST_TRANSIENT: { message: 'transient', status: 503, retriable: true },
  VIGIL_TEST_PERMANENT: { message: 'permanent', status: 400, retriable: false },
});

const noSleep = async () => {};

describe('withRetry', () => {
  it('retries retriable errors until success', async () => {
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls < 3) throw testError('VIGIL_TEST_TRANSIENT');
        return 'done';
      },
      DEFAULT_RETRY,
      { sleep: noSleep },
    );
    expect(result).toBe('done');
    expect(calls).toBe(3);
  });

  it('never retries a non-retriable error or a programmer error', async () => {
    for (const error of [testError('VIGIL_TEST_PERMANENT'), new TypeError('bug')]) {
      let calls = 0;
      await expect(
        withRetry(
          async () => {
            calls++;
            throw error;
          },
          DEFAULT_RETRY,
          { sleep: noSleep },
        ),
      ).rejects.toBe(error);
      expect(calls).toBe(1);
    }
  });

  it('gives up after maxAttempts and reports each retry', async () => {
    const retries: number[] = [];
    await expect(
      withRetry(
        async () => {
          throw testError('VIGIL_TEST_TRANSIENT');
        },
        { ...DEFAULT_RETRY, maxAttempts: 4 },
        { sleep: noSleep, onRetry: (_e, attempt) => retries.push(attempt) },
      ),
    ).rejects.toMatchObject({ code: 'VIGIL_TEST_TRANSIENT' });
    expect(retries).toEqual([1, 2, 3]);
  });

  it('keeps every delay within [bound/2, bound] and under maxDelayMs', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999_999, noNaN: true }), (attempt, r) => {
        const delay = backoffDelay(DEFAULT_RETRY, attempt, () => r);
        const bound = Math.min(DEFAULT_RETRY.maxDelayMs, DEFAULT_RETRY.initialDelayMs * 2 ** (attempt - 1));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(bound / 2));
        expect(delay).toBeLessThanOrEqual(bound);
      }),
    );
  });
});

describe('sleepBeating', () => {
  it('waits the whole delay in slices of at most everyMs, with a beat between slices and none after the last', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 10_000 }),
        async (ms, everyMs) => {
          const events: (number | 'beat')[] = [];
          const sleep = sleepBeating(
            async () => {
              events.push('beat');
            },
            everyMs,
            async (slice) => {
              events.push(slice);
            },
          );
          await sleep(ms);
          const slices = events.filter((e): e is number => e !== 'beat');
          expect(slices.reduce((a, b) => a + b, 0)).toBe(ms);
          expect(slices.every((s) => s > 0 && s <= everyMs)).toBe(true);
          // Slices and beats alternate, starting and ending with a slice.
          expect(events).toEqual(slices.flatMap((s, i) => (i === 0 ? [s] : ['beat', s])));
        },
      ),
    );
  });

  it('stops at a beat that throws (the consumer lost its group)', async () => {
    const lost = new Error('rebalance');
    let slices = 0;
    const sleep = sleepBeating(
      async () => {
        throw lost;
      },
      1_000,
      async () => {
        slices++;
      },
    );
    await expect(sleep(5_000)).rejects.toBe(lost);
    expect(slices).toBe(1);
  });
});
