/**
 * Where to rebuild a partition's open windows from after a restart or a rebalance (the `restoreFrom` committed
 * with each offset, see checkpoint.ts). Pure.
 *
 * Every retained event of key k has a time > max_k − R (R: the restore span, two longest windows + lateness, so
 * the rebuilt running sums go through a recompute over a complete window before the restart point).
 * With L = min over live keys of (max_k − R), no retained event is older than L, so the first processed batch
 * whose newest event is newer than L starts the range to replay. Batches wholly at or before L are forgotten for
 * good: later keys cannot need them (their events come after). Keys idle for longer than R behind the partition's
 * newest event are forgotten too (the pipeline evicts their windows), so the range stays about 2R long.
 */

interface BatchMark {
  readonly firstOffset: bigint;
  readonly newestEventTime: number;
}

export class RestoreTracker {
  readonly #retentionMs: number;
  readonly #keyNewest = new Map<string, number>();
  #marks: BatchMark[] = [];
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(retentionMs: number) {
    this.#retentionMs = retentionMs;
  }

  /** Partition watermark: the newest event time processed so far. */
  get watermark(): number {
    return this.#watermark;
  }

  /** Notes one accepted event of a batch. */
  observe(key: string, eventTime: number): void {
    const newest = this.#keyNewest.get(key);
    if (newest === undefined || eventTime > newest) this.#keyNewest.set(key, eventTime);
    if (eventTime > this.#watermark) this.#watermark = eventTime;
  }

  /** Notes a processed batch: its first offset and its newest accepted event time. */
  markBatch(firstOffset: string, newestEventTime: number): void {
    if (newestEventTime === Number.NEGATIVE_INFINITY) return;
    this.#marks.push({ firstOffset: BigInt(firstOffset), newestEventTime });
  }

  /** Forgets keys idle for longer than the retention behind the watermark; returns them. */
  evictIdle(): string[] {
    const horizon = this.#watermark - this.#retentionMs;
    const evicted: string[] = [];
    for (const [key, newest] of this.#keyNewest) {
      if (newest < horizon) {
        this.#keyNewest.delete(key);
        evicted.push(key);
      }
    }
    return evicted;
  }

  /** The offset to replay from so that every retained event is rebuilt; `next` when nothing is retained. */
  restoreFrom(next: string): string {
    let oldest = Number.POSITIVE_INFINITY;
    for (const newest of this.#keyNewest.values()) if (newest < oldest) oldest = newest;
    const horizon = oldest - this.#retentionMs;
    let drop = 0;
    while (drop < this.#marks.length && this.#marks[drop]!.newestEventTime <= horizon) drop++;
    if (drop > 0) this.#marks = this.#marks.slice(drop);
    const first = this.#marks[0];
    return first === undefined || first.firstOffset > BigInt(next) ? next : first.firstOffset.toString();
  }
}
