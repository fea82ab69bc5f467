/**
 * Drives a simulator into a sink, in one of two modes:
 *   historical: pulls as fast as the sink accepts (training data, replays, benchmarks);
 *   real time:  emits each event when the clock reaches its emission time, flushing every tick.
 * Ground-truth records, which a simulator hands over synchronously, are queued and written between events.
 */
import type { GroundTruth } from '../core/plant/ground-truth.js';
import type { EventSink } from './sinks/event-sink.js';

/** A pull source of events in emission order (the plant and order simulators). */
export interface EventSource<E> {
  /** Emission time of the next event (epoch ms), +Infinity when the source is exhausted. */
  peekTime(): number;
  next(): E | null;
}

/** The wall clock, handed in (simulators have no clock of their own). */
export interface Clock {
  now(): number;
  /** Resolves after `ms`, or early when `signal` aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve) => {
      if (signal?.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        resolve();
      }
      signal?.addEventListener('abort', done, { once: true });
    }),
};

export interface RunOptions<E> {
  readonly source: EventSource<E>;
  readonly sink: EventSink<E>;
  /** Ground truth collected by the simulator's onTruth callback; drained into `truthSink` as the run goes. */
  readonly truth?: { readonly pending: GroundTruth[]; readonly sink: EventSink<GroundTruth> | undefined };
  readonly signal?: AbortSignal;
  /** Called every `progressEvery` events (historical) or every tick (real time) with the count so far. */
  readonly onProgress?: (events: number) => void;
  readonly progressEvery?: number;
}

export interface RunResult {
  readonly events: number;
  readonly truthRecords: number;
}

async function drainTruth<E>(options: RunOptions<E>): Promise<number> {
  const truth = options.truth;
  if (!truth || truth.pending.length === 0) return 0;
  const records = truth.pending.splice(0, truth.pending.length);
  if (truth.sink) {
    for (const record of records) {
      const wait = truth.sink.write(record);
      if (wait) await wait;
    }
  }
  return records.length;
}

export async function runHistorical<E>(options: RunOptions<E>): Promise<RunResult> {
  const { source, sink, signal } = options;
  const every = options.progressEvery ?? 100_000;
  let events = 0;
  let truthRecords = 0;
  for (;;) {
    const event = source.next();
    if (event === null) break;
    const wait = sink.write(event);
    if (wait) await wait;
    events++;
    if (options.truth !== undefined && options.truth.pending.length > 0) truthRecords += await drainTruth(options);
    if (events % every === 0) {
      options.onProgress?.(events);
      // Yield to the event loop now and then so signals (Ctrl-C) and stream callbacks get a turn.
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (signal?.aborted) break;
    }
  }
  truthRecords += await drainTruth(options);
  await sink.flush();
  await options.truth?.sink?.flush();
  return { events, truthRecords };
}

/** Emits events as the clock reaches them; runs until the source ends or `signal` aborts. */
export async function runRealtime<E>(options: RunOptions<E>, clock: Clock, tickMs = 100): Promise<RunResult> {
  const { source, sink, signal } = options;
  let events = 0;
  let truthRecords = 0;
  while (!signal?.aborted) {
    const now = clock.now();
    while (source.peekTime() <= now) {
      const event = source.next();
      if (event === null) break;
      const wait = sink.write(event);
      if (wait) await wait;
      events++;
    }
    truthRecords += await drainTruth(options);
    await sink.flush();
    await options.truth?.sink?.flush();
    options.onProgress?.(events);
    const nextAt = source.peekTime();
    if (nextAt === Number.POSITIVE_INFINITY) break;
    await clock.sleep(Math.max(0, Math.min(tickMs, nextAt - clock.now())), signal);
  }
  return { events, truthRecords };
}
