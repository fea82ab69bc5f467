/**
 * What `vigil replay --source kafka` reads from the topic, and whether the topic can still answer. Pure: the
 * offsets come from the broker (kafka-staging.ts), the decisions are here.
 *
 * Window. The replay of [from, to) reads, per chunk, each key from its warm start (searched back at most
 * max(VIGIL_REPLAY_MAX_WARMUP, R), warmup.ts) to the chunk end + lateness (raw-source.ts). Staging one more R
 * before that lets the gap search see what precedes its frame: a key's first staged event then counts as a
 * fresh point (like its first event ever in the raw table) only when the table shows R of silence before it.
 *
 * Retention. The approximate warm-up alone needs the records from `from - R` on. When a partition's log start
 * offset is past 0 (records deleted by retention or deleteRecords) and its first retained record is already at
 * or after that time (Kafka's time index points at the log start), records the range needs may be gone: the run
 * is refused rather than silently scored on part of the data. A partition emptied by retention (log start =
 * high watermark > 0) is refused too: whether the range had records there cannot be told from the offsets.
 */

export interface StagingWindow {
  /** Earliest event time the replay may read (warm-up search + one retention), epoch ms. */
  readonly from: number;
  /** Exclusive end: the range end plus the allowed lateness (rows read by the last chunk). */
  readonly to: number;
  /** Records from this time on are what even an approximate warm-up needs (from - R). */
  readonly needed: number;
}

export function stagingWindow(
  range: { from: number; to: number },
  retentionMs: number,
  allowedLatenessMs: number,
  maxWarmupMs: number,
): StagingWindow {
  return {
    from: range.from - Math.max(maxWarmupMs, retentionMs) - retentionMs,
    to: range.to + allowedLatenessMs + 1,
    needed: range.from - retentionMs,
  };
}

/** One partition's offsets as the broker gives them (kafkajs strings turned into numbers). */
export interface PartitionOffsets {
  readonly partition: number;
  /** Log start offset: the first retained record. */
  readonly low: number;
  /** High watermark when staging starts: the end of what is read. */
  readonly high: number;
  /** First offset whose timestamp is >= the window start (high when none). */
  readonly windowStart: number;
  /** First offset whose timestamp is >= `needed` (high when none). */
  readonly neededStart: number;
}

export interface PartitionRead {
  readonly partition: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  /** The read starts at the log start of a truncated partition: older records of the window are gone. */
  readonly truncated: boolean;
}

export interface StagingPlan {
  readonly reads: readonly PartitionRead[];
  /** Partitions whose retained records start too late for the range (refuse the run). */
  readonly gone: readonly PartitionOffsets[];
}

export function planStaging(partitions: readonly PartitionOffsets[]): StagingPlan {
  const reads: PartitionRead[] = [];
  const gone: PartitionOffsets[] = [];
  for (const p of [...partitions].sort((a, b) => a.partition - b.partition)) {
    if (p.low > 0 && p.neededStart <= p.low) gone.push(p);
    const start = Math.max(p.windowStart, p.low);
    if (start < p.high)
      reads.push({ partition: p.partition, start, end: p.high, truncated: p.low > 0 && start === p.low });
  }
  return { reads, gone };
}

/**
 * From when on the staged table holds every record of the window: the window start, or later when a truncated
 * partition's first retained record is newer (`firstTimestamps`: the timestamp of the first record read from
 * each truncated partition).
 */
export function knownFromOf(window: StagingWindow, firstTimestamps: readonly number[]): number {
  return Math.max(window.from, ...firstTimestamps);
}

/** A line for the refusal: which partitions lost what. */
export function describeGone(gone: readonly PartitionOffsets[], needed: number): string {
  const parts = gone.map((p) =>
    p.low === p.high
      ? `partition ${p.partition} holds no record any more (offsets before ${p.low} deleted)`
      : `partition ${p.partition} starts at offset ${p.low} (older records deleted) with records no older than the range needs`,
  );
  return `the range needs records from ${new Date(needed).toISOString()} on; ${parts.join('; ')}`;
}
