/**
 * The pure half of `vigil audit-delivery`: given what one partition of a topic holds in an offset range and what
 * ClickHouse holds for the same source coordinates, say which records are accounted for and which are not.
 *
 * A record is accounted for when ClickHouse has it:
 * - as a raw row with its source coordinates (the processor accepted it), or
 * - as a dead letter with its source coordinates (bad input, late, contract violation), or
 * - as a raw row with the same event id from other coordinates: a producer re-send (at-least-once producers,
 *   the simulator's duplicates) is set aside by the pipeline, and its first copy is the one that counts.
 * Anything else is missing. Duplicated = rows a query sees more than once under `FINAL` (it should be zero:
 * every table is a ReplacingMergeTree on the row's identity).
 */

export interface TopicRecord {
  readonly partition: number;
  readonly offset: number;
  /** The decoded event id; undefined when the bytes do not decode (they must then be a dead letter). */
  readonly eventId: string | undefined;
}

export interface StoredRow {
  readonly offset: number;
  readonly eventId: string;
}

export interface PartitionEvidence {
  readonly partition: number;
  /** The topic's records of the range, in offset order. */
  readonly records: readonly TopicRecord[];
  /** Raw rows whose source coordinates fall in the range (FINAL). */
  readonly stored: readonly StoredRow[];
  /** Source offsets of the range's dead letters (FINAL). */
  readonly deadLetterOffsets: readonly number[];
  /** Event ids of the range that are stored from coordinates outside it (re-sends of an earlier record). */
  readonly storedElsewhere: ReadonlySet<string>;
}

export interface PartitionAudit {
  readonly partition: number;
  readonly produced: number;
  readonly stored: number;
  readonly deadLettered: number;
  /** Records whose event id is stored from another offset (producer re-sends, set aside by the pipeline). */
  readonly resent: number;
  readonly missing: readonly TopicRecord[];
  /** Raw rows beyond one per event id. */
  readonly duplicated: number;
}

/** Accounts for every record of one partition range. */
export function auditPartition(evidence: PartitionEvidence): PartitionAudit {
  const storedOffsets = new Set<number>();
  const storedIds = new Set<string>();
  for (const row of evidence.stored) {
    storedOffsets.add(row.offset);
    storedIds.add(row.eventId);
  }
  const dead = new Set(evidence.deadLetterOffsets);
  let stored = 0;
  let deadLettered = 0;
  let resent = 0;
  const missing: TopicRecord[] = [];
  for (const record of evidence.records) {
    if (storedOffsets.has(record.offset)) stored += 1;
    else if (dead.has(record.offset)) deadLettered += 1;
    else if (
      record.eventId !== undefined &&
      (storedIds.has(record.eventId) || evidence.storedElsewhere.has(record.eventId))
    )
      resent += 1;
    else missing.push(record);
  }
  return {
    partition: evidence.partition,
    produced: evidence.records.length,
    stored,
    deadLettered,
    resent,
    missing,
    duplicated: evidence.stored.length - storedIds.size,
  };
}

/** Event ids of records that neither their coordinates nor an id stored in the range account for. */
export function unresolvedIds(evidence: Omit<PartitionEvidence, 'storedElsewhere'>): string[] {
  const storedOffsets = new Set(evidence.stored.map((r) => r.offset));
  const storedIds = new Set(evidence.stored.map((r) => r.eventId));
  const dead = new Set(evidence.deadLetterOffsets);
  const out: string[] = [];
  for (const r of evidence.records) {
    if (storedOffsets.has(r.offset) || dead.has(r.offset) || r.eventId === undefined) continue;
    if (!storedIds.has(r.eventId)) out.push(r.eventId);
  }
  return out;
}

export interface InferenceTally {
  /** Distinct events with at least one score (live stream, run_id ''). */
  readonly scoredEvents: number;
  /** Inference rows beyond one per (event, model, role). */
  readonly duplicated: number;
}

export interface DeliveryAudit {
  readonly stream: string;
  readonly topic: string;
  readonly from: number;
  readonly to: number;
  readonly partitions: readonly PartitionAudit[];
  readonly inferences: InferenceTally;
  readonly totals: {
    readonly produced: number;
    readonly stored: number;
    readonly deadLettered: number;
    readonly resent: number;
    readonly missing: number;
    readonly duplicated: number;
  };
}

export function totalsOf(partitions: readonly PartitionAudit[], inferences: InferenceTally): DeliveryAudit['totals'] {
  const sum = (f: (p: PartitionAudit) => number) => partitions.reduce((s, p) => s + f(p), 0);
  return {
    produced: sum((p) => p.produced),
    stored: sum((p) => p.stored),
    deadLettered: sum((p) => p.deadLettered),
    resent: sum((p) => p.resent),
    missing: sum((p) => p.missing.length),
    duplicated: sum((p) => p.duplicated) + inferences.duplicated,
  };
}

/** True when every record is accounted for and no query sees a row twice. */
export function isClean(audit: DeliveryAudit): boolean {
  return audit.totals.missing === 0 && audit.totals.duplicated === 0;
}

const MAX_LISTED = 20;

/** The human summary `vigil audit-delivery` prints. */
export function formatAudit(audit: DeliveryAudit): string {
  const t = audit.totals;
  const lines = [
    `delivery audit of ${audit.stream} (${audit.topic}) from ${new Date(audit.from).toISOString()} to ${new Date(audit.to).toISOString()}`,
    `  records in the topic: ${t.produced}`,
    `  stored:               ${t.stored}`,
    `  dead-lettered:        ${t.deadLettered}`,
    `  re-sends (same id):   ${t.resent}`,
    `  scored events:        ${audit.inferences.scoredEvents}`,
    `  missing:              ${t.missing}`,
    `  duplicated rows:      ${t.duplicated} (raw ${t.duplicated - audit.inferences.duplicated}, inferences ${audit.inferences.duplicated})`,
  ];
  const missing = audit.partitions.flatMap((p) => p.missing);
  for (const m of missing.slice(0, MAX_LISTED))
    lines.push(`  missing: partition ${m.partition} offset ${m.offset} event ${m.eventId ?? '(undecodable)'}`);
  if (missing.length > MAX_LISTED) lines.push(`  ... and ${missing.length - MAX_LISTED} more missing`);
  lines.push(isClean(audit) ? 'OK: every record is accounted for once' : 'FAILED: records missing or duplicated');
  return `${lines.join('\n')}\n`;
}
