/**
 * The life of one consumed batch, as an explicit state machine. Offsets may be committed only after every output
 * the batch produced is durable (contract 5); a failure before that leaves the offsets where they were, so the
 * batch is consumed again and its idempotent outputs replace themselves.
 */

export type BatchState = 'consumed' | 'processed' | 'flushed' | 'committed' | 'failed';

const ALLOWED: Readonly<Record<BatchState, readonly BatchState[]>> = {
  consumed: ['processed', 'failed'],
  processed: ['flushed', 'failed'],
  flushed: ['committed', 'failed'],
  committed: [],
  failed: [],
};

export class BatchLifecycle {
  private current: BatchState = 'consumed';

  get state(): BatchState {
    return this.current;
  }

  to(next: BatchState): void {
    if (!ALLOWED[this.current].includes(next)) {
      throw new Error(`batch cannot go from ${this.current} to ${next}`);
    }
    this.current = next;
  }

  /** True when committing now would respect the delivery contract. */
  get mayCommit(): boolean {
    return this.current === 'flushed';
  }
}

export function allowedBatchTransitions(): Readonly<Record<BatchState, readonly BatchState[]>> {
  return ALLOWED;
}
