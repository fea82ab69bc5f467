import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { errorCatalogue } from '../../core/errors.js';
import { backoffDelay, DEFAULT_RETRY, withRetry } from '../../core/retry.js';

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
