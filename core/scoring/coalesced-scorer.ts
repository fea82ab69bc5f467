/**
 * One model call for the rows several callers ask a model to score in the same turn of the event loop.
 *
 * A model call has a fixed cost (~25 µs in a quiet process) and a small one per row (~3 µs; `npx tsx
 * bench/onnx-call.ts`). A live processor fetches one or two events per partition, and each partition's batch used to
 * make its own call per model: ~0.8 calls per event at 1 200 ev/s, ~0.45 now (bench/README.md, "eighth"). Batches
 * processed concurrently (and concurrent score requests) wait for the next turn, and their rows go to the model
 * together.
 *
 * A row's score does not depend on the rows beside it (one intra-op thread, each row's arithmetic the same whatever
 * the batch: adapters/onnx/scorer.ts), so merging changes no score. `settled` waits for the calls already asked
 * for: a model swapped out while batches still score with it is released only once they are done (LiveModels).
 */
import type { BatchScorer } from './models.js';

interface Request {
  readonly rows: Float32Array;
  readonly n: number;
  readonly resolve: (scores: Float32Array) => void;
  readonly reject: (error: unknown) => void;
}

export class CoalescedScorer implements BatchScorer {
  readonly #inner: BatchScorer;
  readonly #width: number;
  #queued: Request[] = [];
  #inFlight = 0;
  #idle: (() => void)[] = [];

  /** `width`: the model's features per row. */
  constructor(inner: BatchScorer, width: number) {
    this.#inner = inner;
    this.#width = width;
  }

  scoreBatch(rows: Float32Array, n: number): Promise<Float32Array> {
    if (n === 0) return Promise.resolve(new Float32Array(0));
    // A malformed batch goes alone, for the model to refuse with its own error.
    if (rows.length < n * this.#width) return this.#alone(rows, n);
    return new Promise((resolve, reject) => {
      if (this.#queued.length === 0) setImmediate(() => this.#run());
      this.#queued.push({ rows, n, resolve, reject });
      this.#inFlight++;
    });
  }

  /** Resolves once every call asked for so far has settled. */
  async settled(): Promise<void> {
    if (this.#inFlight > 0) await new Promise<void>((resolve) => this.#idle.push(resolve));
  }

  async #run(): Promise<void> {
    const requests = this.#queued;
    this.#queued = [];
    try {
      const total = requests.reduce((sum, r) => sum + r.n, 0);
      const scores = await this.#inner.scoreBatch(
        requests.length === 1 ? requests[0]!.rows : this.#merge(requests, total),
        total,
      );
      let row = 0;
      for (const r of requests) {
        r.resolve(scores.subarray(row, row + r.n));
        row += r.n;
      }
    } catch (error) {
      for (const r of requests) r.reject(error);
    } finally {
      this.#done(requests.length);
    }
  }

  /** A call outside the merge, still counted: `settled` waits for it too. */
  async #alone(rows: Float32Array, n: number): Promise<Float32Array> {
    this.#inFlight++;
    try {
      return await this.#inner.scoreBatch(rows, n);
    } finally {
      this.#done(1);
    }
  }

  #done(calls: number): void {
    this.#inFlight -= calls;
    if (this.#inFlight === 0) for (const wake of this.#idle.splice(0)) wake();
  }

  #merge(requests: readonly Request[], total: number): Float32Array {
    const width = this.#width;
    const merged = new Float32Array(total * width);
    let at = 0;
    for (const r of requests) {
      merged.set(r.rows.subarray(0, r.n * width), at);
      at += r.n * width;
    }
    return merged;
  }
}
