/**
 * Turns one data row (cells aligned with the column plan) into a SensorReading, or says why it is a bad row.
 * Pure and allocation-light: the importer calls it once per line of a possibly multi-GB file. Contiguous
 * labelled rows of one asset become one ground-truth record (see LabelSpans).
 */
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { EventIdGenerator } from '../simulation/event-id.js';
import type { ColumnPlan } from './column-plan.js';
import { parseNumber, parseTime } from './values.js';

export type BadRowReason =
  | 'wrong_column_count'
  | 'unterminated_quote'
  | 'invalid_json'
  | 'unparseable_time'
  | 'non_numeric_value'
  | 'missing_asset';

export interface BadRow {
  readonly line: number;
  readonly reason: BadRowReason;
  readonly detail: string;
}

export interface RowContext {
  readonly plan: ColumnPlan;
  readonly assetType: string;
  readonly site: string;
  readonly line: string;
  /** Accept "12,5" as 12.5 (files whose delimiter is not a comma). */
  readonly decimalComma: boolean;
  /** Names the import in event ids and ground truth (the file name unless given). */
  readonly source: string;
}

const NO_FLAGS: readonly string[] = Object.freeze([]);
/** Label values that mean "normal". Anything else marks the row anomalous. */
const NORMAL_LABELS = new Set(['', '0', 'false', 'no', 'normal', 'ok', 'none', 'nominal']);
/** Label values that only say "anomalous" without naming a kind. */
const GENERIC_LABELS = new Set(['1', 'true', 'yes', 'anomaly', 'anomalous', 'fault']);

export class RowMapper {
  private readonly ids: EventIdGenerator;
  private readonly seqs = new Map<string, number>();
  readonly labels: LabelSpans;

  constructor(private readonly ctx: RowContext) {
    this.ids = new EventIdGenerator('vigil-import', 0, ctx.source);
    this.labels = new LabelSpans(
      `import:${ctx.source}`,
      ctx.plan.channels.map((c) => c.name),
    );
  }

  /** The reading for the row at file line `lineNumber`, or the reason it is bad. */
  map(cells: readonly unknown[], lineNumber: number): SensorReading | BadRow {
    const plan = this.ctx.plan;
    const rawTime = cells[plan.timeIndex];
    const eventTime = parseTime(rawTime);
    if (eventTime === null) return { line: lineNumber, reason: 'unparseable_time', detail: `time "${short(rawTime)}"` };
    let assetId = plan.fixedAsset;
    if (assetId === undefined) {
      const raw = cells[plan.assetIndex];
      assetId = raw === undefined || raw === null ? '' : String(raw).trim();
      if (assetId === '')
        return { line: lineNumber, reason: 'missing_asset', detail: `empty ${plan.columns[plan.assetIndex]}` };
    }
    const channels: Record<string, number> = {};
    for (const c of plan.channels) {
      const value = parseNumber(cells[c.index], this.ctx.decimalComma);
      if (value === null) {
        return { line: lineNumber, reason: 'non_numeric_value', detail: `${c.name}="${short(cells[c.index])}"` };
      }
      if (value !== undefined) channels[c.name] = value;
    }
    const seq = this.seqs.get(assetId) ?? 0;
    this.seqs.set(assetId, seq + 1);
    if (plan.labelIndex !== -1) this.labels.observe(assetId, eventTime, cells[plan.labelIndex]);
    return {
      eventId: this.ids.id(lineNumber),
      assetId,
      assetType: this.ctx.assetType,
      site: this.ctx.site,
      line: this.ctx.line,
      eventTime,
      seq,
      channels,
      quality: NO_FLAGS,
    };
  }
}

export function isBadRow(value: SensorReading | BadRow): value is BadRow {
  return 'reason' in value;
}

function short(raw: unknown): string {
  const text = String(raw ?? '');
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

interface OpenSpan {
  kind: string;
  start: number;
  end: number;
}

/** Folds each asset's consecutive rows with the same anomalous label into one ground-truth record. */
export class LabelSpans {
  private readonly open = new Map<string, OpenSpan>();
  private readonly done: GroundTruth[] = [];

  constructor(
    private readonly source: string,
    private readonly channels: readonly string[],
  ) {}

  observe(assetId: string, time: number, rawLabel: unknown): void {
    const label = rawLabel === undefined || rawLabel === null ? '' : String(rawLabel).trim();
    const lower = label.toLowerCase();
    const current = this.open.get(assetId);
    if (NORMAL_LABELS.has(lower)) {
      if (current) this.close(assetId, current);
      return;
    }
    const kind = GENERIC_LABELS.has(lower) ? 'labelled_anomaly' : label;
    if (current && current.kind === kind) {
      current.start = Math.min(current.start, time);
      current.end = Math.max(current.end, time);
      return;
    }
    if (current) this.close(assetId, current);
    this.open.set(assetId, { kind, start: time, end: time });
  }

  /** Ground truth closed so far (taken: each record is returned once). */
  take(): GroundTruth[] {
    return this.done.splice(0, this.done.length);
  }

  /** Closes every open span (end of file) and returns what is left. */
  finish(): GroundTruth[] {
    for (const [assetId, span] of this.open) this.close(assetId, span);
    return this.take();
  }

  get pending(): number {
    return this.done.length;
  }

  private close(assetId: string, span: OpenSpan): void {
    this.open.delete(assetId);
    this.done.push({
      source: this.source,
      stream: 'sensors',
      key: assetId,
      channels: this.channels,
      kind: span.kind,
      start: span.start,
      end: span.end,
      severity: 1,
    });
  }
}
