/**
 * What a processor commits with each offset. Kafka stores a metadata string beside every committed offset; we
 * put there the offset from which the partition's open windows can be rebuilt (`restoreFrom`: the source offset
 * of the oldest event any key of the partition still holds). After a crash or a rebalance the new owner seeks to
 * `restoreFrom`, replays up to the committed offset with outputs suppressed (state only), then resumes. The
 * offset and its restore point are written in one request, so they can never disagree.
 */

export interface Checkpoint {
  /** Next offset to process (Kafka's committed offset). */
  readonly offset: string;
  /** First offset whose event is still inside some open window; <= offset. */
  readonly restoreFrom: string;
}

const VERSION = 1;

export function encodeCheckpointMetadata(restoreFrom: string): string {
  return JSON.stringify({ v: VERSION, restoreFrom });
}

/**
 * Reads the restore point back. A commit without our metadata (first start, or offsets set by an operator with
 * kafka-consumer-groups) means "no state to rebuild": restore from the committed offset itself.
 */
export function decodeCheckpoint(offset: string, metadata: string | null | undefined): Checkpoint {
  if (!metadata) return { offset, restoreFrom: offset };
  try {
    const parsed = JSON.parse(metadata) as { v?: unknown; restoreFrom?: unknown };
    if (parsed.v === VERSION && typeof parsed.restoreFrom === 'string' && /^\d+$/.test(parsed.restoreFrom)) {
      const restoreFrom = BigInt(parsed.restoreFrom) <= BigInt(offset) ? parsed.restoreFrom : offset;
      return { offset, restoreFrom };
    }
  } catch {
    // Metadata written by another tool: treated as absent, as documented above.
  }
  return { offset, restoreFrom: offset };
}
