/**
 * The processor's durable outputs run behind its scoring: while batch N is written to ClickHouse and Kafka and
 * committed, the batches after it are already decoded and scored. An event's score then waits for its own batch's
 * work, not for the inserts of the batches before it (event-to-score latency), and the JavaScript work overlaps
 * the engine's.
 *
 * One writer at a time, in submission order, so offsets are still committed in order and only after their batch
 * is durable (contract 5). The batches that queued up while the writer was busy are written together in its next
 * call (group commit): an insert has a fixed cost per table (embedded engine, features table: ~9 ms for 20 rows,
 * ~140 ms for 2 000), so writing small live batches one by one would make the sink the bottleneck.
 *
 * A write starts at least `minIntervalMs` after the previous one started. Each write is one insert per table, and
 * the embedded engine's cost is mostly per insert (a new part, merged later): on a plant's live traffic, writes back
 * to back kept 49-73 % of a core in the engine, 100 ms apart 34-36 % (bench/README.md, "ninth"). The price is the
 * time an event waits for its write: up to the interval more, before its offset is committed.
 *
 * `submit` returns once the unfinished items weigh no more than `maxPendingWeight` (or the item is the only one
 * left): the bound on the memory held by scored-but-unwritten batches, and the backpressure that stops the consumer
 * fetching ahead of a slow or unavailable sink. After a write fails, the items queued behind it are dropped (their
 * batches are never committed, so they are consumed again) and every later `submit` or `drain` throws the failure.
 */
export interface SinkQueueOptions {
  /** The least time between the starts of two writes (0: each write starts as soon as the previous ends). */
  readonly minIntervalMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => number;
}

export class SinkQueue<T> {
  readonly #write: (items: T[]) => Promise<void>;
  readonly #maxPendingWeight: number;
  readonly #minIntervalMs: number;
  readonly #sleep: (ms: number) => Promise<void>;
  readonly #now: () => number;
  #lastWriteAt = Number.NEGATIVE_INFINITY;
  #queued: { item: T; weight: number }[] = [];
  #pendingWeight = 0;
  #pendingCount = 0;
  #writing: Promise<void> | undefined;
  #failed = false;
  #failure: unknown;
  #waiters: (() => void)[] = [];

  constructor(write: (items: T[]) => Promise<void>, maxPendingWeight: number, options: SinkQueueOptions = {}) {
    if (!(maxPendingWeight > 0)) throw new RangeError('maxPendingWeight must be > 0');
    const { minIntervalMs = 0, sleep = defaultSleep, now = Date.now } = options;
    if (!(minIntervalMs >= 0)) throw new RangeError('minIntervalMs must be >= 0');
    this.#write = write;
    this.#maxPendingWeight = maxPendingWeight;
    this.#minIntervalMs = minIntervalMs;
    this.#sleep = sleep;
    this.#now = now;
  }

  /** Items submitted and not yet written (queued or being written). */
  get pending(): number {
    return this.#pendingCount;
  }

  /** Queues `item` behind the others; resolves once the unfinished items weigh at most the bound. */
  async submit(item: T, weight: number): Promise<void> {
    this.#throwIfFailed();
    this.#queued.push({ item, weight });
    this.#pendingWeight += weight;
    this.#pendingCount++;
    this.#writing ??= this.#writeAll();
    while (this.#pendingWeight > this.#maxPendingWeight && this.#pendingCount > 1 && !this.#failed) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#throwIfFailed();
  }

  /** Resolves when every submitted item has been written; throws the first failure. */
  async drain(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
    this.#throwIfFailed();
  }

  async #writeAll(): Promise<void> {
    await null; // `#writing` is set before anything here runs (a write that throws at once included)
    while (this.#queued.length > 0 && !this.#failed) {
      // The items submitted while this waits join the group.
      const wait = this.#lastWriteAt + this.#minIntervalMs - this.#now();
      if (wait > 0) await this.#sleep(wait);
      this.#lastWriteAt = this.#now();
      const group = this.#queued.splice(0);
      try {
        await this.#write(group.map((g) => g.item));
      } catch (error) {
        this.#failed = true;
        this.#failure = error;
        group.push(...this.#queued.splice(0));
      } finally {
        for (const g of group) this.#pendingWeight -= g.weight;
        this.#pendingCount -= group.length;
        for (const wake of this.#waiters.splice(0)) wake();
      }
    }
    this.#writing = undefined;
  }

  #throwIfFailed(): void {
    if (this.#failed) throw this.#failure;
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
