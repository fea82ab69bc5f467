/**
 * What detection quality is computed from, whatever produced it (ClickHouse tables or an in-process simulated
 * run): fault spans (ground truth), alert spans, and per-reading anomaly flags already tallied by zone.
 */

/** A ground-truth fault of one key; event-time span, both ends inclusive (epoch ms). */
export interface FaultSpan {
  readonly key: string;
  readonly kind: string;
  readonly start: number;
  readonly end: number;
}

/** An alert of one key; closedAt null while still open. */
export interface AlertSpan {
  readonly key: string;
  readonly openedAt: number;
  readonly closedAt: number | null;
}

/** Scored readings of one zone and how many of them the model flagged (score > threshold). */
export interface ReadingCount {
  readings: number;
  flagged: number;
}

/**
 * Readings by zone. `faults`: inside a fault span of their key, by fault kind (positives). `normal`: in no fault
 * span and not in the grace after one (negatives). `afterFault`: in (end, end + grace] of a fault: the feature
 * windows still hold the fault's values, so these readings are neither (counted, kept out of precision/recall).
 */
export interface PointTally {
  readonly faults: Map<string, ReadingCount>;
  readonly normal: ReadingCount;
  readonly afterFault: ReadingCount;
}

export function emptyTally(): PointTally {
  return { faults: new Map(), normal: { readings: 0, flagged: 0 }, afterFault: { readings: 0, flagged: 0 } };
}

export interface EvaluationInput {
  readonly faults: readonly FaultSpan[];
  readonly alerts: readonly AlertSpan[];
  readonly points: PointTally;
  /** Keys evaluated (assets with scores in the period). */
  readonly assets: number;
  /** Evaluated event-time period [from, to), epoch ms. */
  readonly from: number;
  readonly to: number;
  /** How long after a fault's end an alert still counts for it (and before its start, as overlap). */
  readonly graceMs: number;
}
