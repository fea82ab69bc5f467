/**
 * Polling for integration tests (never a bare sleep): calls `fn` until it returns a value other than
 * undefined/null/false, and returns that value. A throw from `fn` counts as "not yet"; its message is reported
 * when the timeout expires, so a failing wait says what it last saw.
 */
export interface WaitOptions {
  readonly timeoutMs?: number;
  readonly intervalMs?: number;
  /** What is awaited, for the timeout message ("topic t1 to exist"). */
  readonly description: string;
}

export async function waitFor<T>(
  fn: () => T | Promise<T>,
  { timeoutMs = 30_000, intervalMs = 100, description }: WaitOptions,
): Promise<Exclude<T, undefined | null | false>> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'condition was never met';
  for (;;) {
    try {
      const value = await fn();
      if (value !== undefined && value !== null && value !== false)
        return value as Exclude<T, undefined | null | false>;
      lastProblem = `last result: ${String(value)}`;
    } catch (error) {
      lastProblem = `last error: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() >= deadline)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${description} (${lastProblem})`);
    await new Promise((resolveTick) =>
      setTimeout(resolveTick, Math.min(intervalMs, Math.max(0, deadline - Date.now()))),
    );
  }
}
