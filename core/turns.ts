/**
 * Long synchronous loops (encoding thousands of rows or records for one write) hold the event loop, and every
 * Kafka fetch, timer and HTTP request waiting behind them. These helpers give the loop back before every `perTurn`
 * items.
 *
 * Such loops are background work, and work someone waits for goes first: while foreground work (`inForeground`:
 * scoring a fetched batch, answering a score request) is in progress, a background loop takes no next turn. The
 * foreground's own awaits (a model call) are then not followed by milliseconds of another write's encoding, which
 * is what stretched the processor's fetch cycles (bench/README.md, "scoring first"). A background turn waits at
 * most `MAX_DEFER_MS` for the foreground, so a foreground that itself waits on background work only slows down.
 */
import { setImmediate } from 'node:timers/promises';

/** The longest a background turn waits for foreground work to finish. */
export const MAX_DEFER_MS = 50;

let foreground = 0;
let waiting: (() => void)[] = [];
let deferTimer: NodeJS.Timeout | undefined;

function wakeBackground(): void {
  clearTimeout(deferTimer);
  deferTimer = undefined;
  const wake = waiting;
  waiting = [];
  for (const resume of wake) resume();
}

/**
 * Resolves on the next turn of the event loop, after the I/O and timers waiting now, and once no foreground work
 * is in progress (or `MAX_DEFER_MS` has passed).
 */
export async function nextTurn(): Promise<void> {
  await setImmediate();
  if (foreground === 0) return;
  await new Promise<void>((resolve) => {
    waiting.push(resolve);
    deferTimer ??= setTimeout(wakeBackground, MAX_DEFER_MS);
  });
}

/** Runs `fn` as foreground work: background loops take no turn until it settles. */
export async function inForeground<T>(fn: () => Promise<T>): Promise<T> {
  foreground++;
  try {
    return await fn();
  } finally {
    foreground--;
    if (foreground === 0 && waiting.length > 0) wakeBackground();
  }
}

/** Items per turn of the event loop: a few milliseconds of encoding at most for the heaviest rows we write. */
export const ITEMS_PER_TURN = 64;

/**
 * `items` one by one, giving the event loop back before every `perTurn` items (the first slice included: the
 * caller may have been resumed in the middle of foreground work, by an insert that completed during a model call).
 */
export async function* byTurns<T>(items: readonly T[], perTurn = ITEMS_PER_TURN): AsyncGenerator<T> {
  for (let i = 0; i < items.length; i++) {
    if (i % perTurn === 0) await nextTurn();
    yield items[i]!;
  }
}

/** `items.map(fn)`, giving the event loop back before every `perTurn` items. */
export async function mapByTurns<T, U>(
  items: readonly T[],
  fn: (item: T) => U,
  perTurn = ITEMS_PER_TURN,
): Promise<U[]> {
  const out: U[] = [];
  for await (const item of byTurns(items, perTurn)) out.push(fn(item));
  return out;
}
