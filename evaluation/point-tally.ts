/**
 * Point-wise tally of scored readings against fault spans, pure. A reading is classified by the latest fault of
 * its key that started at or before its event time (the ClickHouse query uses the same rule, an ASOF join):
 * inside that fault's span → the fault's kind; within the grace after its end → afterFault; else normal.
 * Simulated faults of one key never overlap; for overlapping imported labels the latest-started one wins.
 */
import { emptyTally, type FaultSpan, type PointTally, type ReadingCount } from './types.js';

export class PointTallier {
  readonly #faults = new Map<string, FaultSpan[]>();
  readonly #graceMs: number;
  readonly #tally = emptyTally();

  constructor(faults: readonly FaultSpan[], graceMs: number) {
    this.#graceMs = graceMs;
    for (const f of faults) {
      const list = this.#faults.get(f.key);
      if (list === undefined) this.#faults.set(f.key, [f]);
      else list.push(f);
    }
    for (const list of this.#faults.values()) list.sort((a, b) => a.start - b.start);
  }

  /** Counts one scored reading of `key` at `eventTime`; `flagged` = the model called it anomalous. */
  add(key: string, eventTime: number, flagged: boolean): void {
    const fault = latestStartedAt(this.#faults.get(key), eventTime);
    let count: ReadingCount;
    if (fault !== undefined && eventTime <= fault.end) {
      count = this.#tally.faults.get(fault.kind) ?? { readings: 0, flagged: 0 };
      this.#tally.faults.set(fault.kind, count);
    } else if (fault !== undefined && eventTime <= fault.end + this.#graceMs) {
      count = this.#tally.afterFault;
    } else {
      count = this.#tally.normal;
    }
    count.readings++;
    if (flagged) count.flagged++;
  }

  tally(): PointTally {
    return this.#tally;
  }
}

/** The last fault (sorted by start) with start <= t, by binary search. */
function latestStartedAt(faults: readonly FaultSpan[] | undefined, t: number): FaultSpan | undefined {
  if (faults === undefined || faults.length === 0) return undefined;
  let lo = 0;
  let hi = faults.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (faults[mid]!.start <= t) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : faults[lo - 1];
}
