/**
 * Long synchronous loops (encoding thousands of rows or records for one write) hold the event loop, and every
 * Kafka fetch, timer and HTTP request waiting behind them. These helpers give the loop back every `perTurn` items.
 */
import { setImmediate } from 'node:timers/promises';

/** Resolves on the next turn of the event loop, after the I/O and timers waiting now. */
export const nextTurn = (): Promise<void> => setImmediate();

/** Items per turn of the event loop: a few milliseconds of encoding at most for the heaviest rows we write. */
export const ITEMS_PER_TURN = 64;

/** `items` one by one, giving the event loop back after every `perTurn` items. */
export async function* byTurns<T>(items: readonly T[], perTurn = ITEMS_PER_TURN): AsyncGenerator<T> {
  for (let i = 0; i < items.length; i++) {
    if (i > 0 && i % perTurn === 0) await nextTurn();
    yield items[i]!;
  }
}

/** `items.map(fn)`, giving the event loop back after every `perTurn` items. */
export async function mapByTurns<T, U>(
  items: readonly T[],
  fn: (item: T) => U,
  perTurn = ITEMS_PER_TURN,
): Promise<U[]> {
  const out: U[] = [];
  for await (const item of byTurns(items, perTurn)) out.push(fn(item));
  return out;
}
