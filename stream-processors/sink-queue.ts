/**
 * The processor's durable outputs run behind its scoring: while batch N is written to ClickHouse and Kafka and
 * committed, batch N+1 is already decoded and scored. An event's score then waits for its own batch's work, not for
 * the inserts of the batches before it (event-to-score latency), and the JavaScript work overlaps the engine's.
 *
 * Jobs run one at a time, in submission order, so offsets are still committed in order and only after their batch
 * is durable (contract 5). `submit` returns once no more than `maxPending` jobs wait or run: the bound on the
 * memory held by scored-but-unwritten batches, and the backpressure that stops the consumer fetching ahead of a
 * slow or unavailable sink. After a job fails, the jobs behind it are skipped (their batches are never committed,
 * so they are consumed again) and every later `submit` or `drain` throws that failure.
 */
export class SinkQueue {
  readonly #maxPending: number;
  #tail: Promise<void> = Promise.resolve();
  #pending = 0;
  #failed = false;
  #failure: unknown;
  #waiters: (() => void)[] = [];

  constructor(maxPending: number) {
    if (!Number.isInteger(maxPending) || maxPending < 1) throw new RangeError('maxPending must be an integer ≥ 1');
    this.#maxPending = maxPending;
  }

  /** Jobs submitted and not finished (waiting or running). */
  get pending(): number {
    return this.#pending;
  }

  /** Queues `job` behind the others; resolves once at most `maxPending` jobs are unfinished. */
  async submit(job: () => Promise<void>): Promise<void> {
    this.#throwIfFailed();
    this.#pending++;
    this.#tail = this.#tail
      .then(async () => {
        if (!this.#failed) await job();
      })
      .catch((error: unknown) => {
        if (this.#failed) return;
        this.#failed = true;
        this.#failure = error;
      })
      .finally(() => {
        this.#pending--;
        for (const wake of this.#waiters.splice(0)) wake();
      });
    while (this.#pending > this.#maxPending && !this.#failed) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    this.#throwIfFailed();
  }

  /** Resolves when every submitted job has finished; throws the first failure. */
  async drain(): Promise<void> {
    await this.#tail;
    this.#throwIfFailed();
  }

  #throwIfFailed(): void {
    if (this.#failed) throw this.#failure;
  }
}
