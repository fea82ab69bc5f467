/**
 * One retry helper for every I/O call: jittered exponential backoff, retrying only errors that say they are
 * retriable (VigilError.retriable, or a classifier the adapter supplies). Programmer errors and bad input are
 * never retried. Sleep and randomness are injected so the policy is testable without a clock.
 */
import { isVigilError } from './errors.js';

export interface RetryPolicy {
  /** First delay in ms. */
  readonly initialDelayMs: number;
  /** Upper bound of one delay in ms. */
  readonly maxDelayMs: number;
  /** Give up after this many attempts in total (Infinity: retry until the signal aborts). */
  readonly maxAttempts: number;
  readonly multiplier: number;
}

export const DEFAULT_RETRY: RetryPolicy = { initialDelayMs: 200, maxDelayMs: 10_000, maxAttempts: 8, multiplier: 2 };

export interface RetryHooks {
  /** Decides whether an error may be retried; default: VigilError.retriable. */
  readonly isRetriable?: (error: unknown) => boolean;
  /** Called before each wait (log it, count it in a metric). */
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly signal?: AbortSignal;
}

export function isRetriable(error: unknown): boolean {
  return isVigilError(error) && error.retriable;
}

/** Delay before attempt `attempt + 1` ("full jitter": uniform in [0.5, 1] of the exponential bound). */
export function backoffDelay(policy: RetryPolicy, attempt: number, random: () => number): number {
  const bound = Math.min(policy.maxDelayMs, policy.initialDelayMs * policy.multiplier ** (attempt - 1));
  return Math.round(bound * (0.5 + random() * 0.5));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * A `sleep` that calls `beat` every `everyMs` while it waits: a Kafka consumer waiting out an outage between
 * attempts keeps its group membership however long the backoff grows (a delay may exceed the session timeout).
 */
export function sleepBeating(
  beat: () => Promise<void>,
  everyMs: number,
  wait: (ms: number, signal?: AbortSignal) => Promise<void> = sleep,
): (ms: number, signal?: AbortSignal) => Promise<void> {
  if (!(everyMs > 0)) throw new RangeError('everyMs must be > 0');
  return async (ms, signal) => {
    for (let left = ms; left > 0; left -= everyMs) {
      await wait(Math.min(left, everyMs), signal);
      if (left > everyMs) await beat();
    }
  };
}

export async function withRetry<T>(
  operation: (attempt: number) => Promise<T>,
  policy: RetryPolicy = DEFAULT_RETRY,
  hooks: RetryHooks = {},
): Promise<T> {
  const retriable = hooks.isRetriable ?? isRetriable;
  const wait = hooks.sleep ?? sleep;
  const random = hooks.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!retriable(error) || attempt >= policy.maxAttempts || hooks.signal?.aborted) throw error;
      const delay = backoffDelay(policy, attempt, random);
      hooks.onRetry?.(error, attempt, delay);
      await wait(delay, hooks.signal);
    }
  }
}
