/**
 * Threshold overrides and maintenance windows in ClickHouse (clickhouse/0013_alert_workflow.sql): written by the
 * CLI and the API, read by the processor (RulesSource) and the API. Every threshold change is also appended to
 * threshold_override_log with the value it replaced (the audit trail).
 */
import { randomUUID } from 'node:crypto';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { alertWorkflowError } from './errors.js';
import type { RulesSource } from './live-alert-rules.js';
import { type MaintenanceWindow, type OperatingMode, validateWindow } from './maintenance-calendar.js';
import { type ThresholdLevel, type ThresholdOverride, validateOverride } from './threshold-resolver.js';

export interface ThresholdChange extends ThresholdOverride {
  readonly cleared: boolean;
  readonly previous: number | null;
}

export interface NewWindow {
  readonly stream: string;
  readonly key: string;
  readonly mode: OperatingMode;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly createdBy: string;
}

const OVERRIDE_COLUMNS = `stream, level, target, threshold, set_by AS setBy, toUnixTimestamp64Milli(set_at) AS setAt, reason`;
const WINDOW_COLUMNS = `window_id AS windowId, stream, key, mode, toUnixTimestamp64Milli(starts_at) AS startsAt,
  toUnixTimestamp64Milli(ends_at) AS endsAt, reason, created_by AS createdBy,
  toUnixTimestamp64Milli(created_at) AS createdAt, ended_by AS endedBy`;

export class AlertRulesStore implements RulesSource {
  readonly #ch: ClickHouse;
  readonly #clock: () => number;

  constructor(clickhouse: ClickHouse, clock: () => number = Date.now) {
    this.#ch = clickhouse;
    this.#clock = clock;
  }

  async thresholdOverrides(stream: string): Promise<ThresholdOverride[]> {
    const rows = await this.#ch.query<Record<string, unknown>>(
      `SELECT ${OVERRIDE_COLUMNS} FROM threshold_overrides FINAL
       WHERE stream = {stream:String} AND NOT cleared ORDER BY level, target`,
      { stream },
      { maxRows: 100_000 },
    );
    return rows.map(toOverride);
  }

  /** Sets (or replaces) an override; returns the change as audited. */
  async setThreshold(input: Omit<ThresholdOverride, 'setAt'> & { setAt?: number }): Promise<ThresholdChange> {
    const o = validateOverride({ ...input, setAt: input.setAt ?? this.#clock() });
    return this.#write(o, false);
  }

  /** Removes an override (the level above applies again); audited like a change. */
  async clearThreshold(input: {
    stream: string;
    level: ThresholdLevel;
    target: string;
    setBy: string;
    reason: string;
  }): Promise<ThresholdChange> {
    const o = validateOverride({ ...input, threshold: 0, setAt: this.#clock() });
    return this.#write(o, true);
  }

  async thresholdHistory(stream: string, target?: string): Promise<ThresholdChange[]> {
    const rows = await this.#ch.query<Record<string, unknown>>(
      `SELECT ${OVERRIDE_COLUMNS}, cleared, previous FROM threshold_override_log
       WHERE stream = {stream:String} AND ({target:String} = '' OR target = {target:String})
       ORDER BY set_at DESC LIMIT 1000`,
      { stream, target: target ?? '' },
    );
    return rows.map((r) => ({
      ...toOverride(r),
      cleared: Boolean(r.cleared),
      previous: r.previous === null ? null : Number(r.previous),
    }));
  }

  async #write(o: ThresholdOverride, cleared: boolean): Promise<ThresholdChange> {
    const [current] = await this.#ch.query<{ threshold: number }>(
      `SELECT threshold FROM threshold_overrides FINAL
       WHERE stream = {stream:String} AND level = {level:String} AND target = {target:String} AND NOT cleared`,
      { stream: o.stream, level: o.level, target: o.target },
    );
    const previous = current === undefined ? null : Number(current.threshold);
    const row = {
      stream: o.stream,
      level: o.level,
      target: o.target,
      threshold: o.threshold,
      cleared,
      set_by: o.setBy,
      set_at: o.setAt,
      reason: o.reason,
    };
    // Audit first: a change that is in force but not in the log would be worse than a logged change that failed.
    await this.#ch.insertRows('threshold_override_log', [{ ...row, previous }]);
    await this.#ch.insertRows('threshold_overrides', [row]);
    return { ...o, cleared, previous };
  }

  async maintenanceWindows(stream: string, since: number): Promise<MaintenanceWindow[]> {
    const rows = await this.#ch.query<Record<string, unknown>>(
      `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows FINAL
       WHERE stream = {stream:String} AND ends_at > fromUnixTimestamp64Milli({since:Int64}, 'UTC')
       ORDER BY key, starts_at`,
      { stream, since },
      { maxRows: 100_000 },
    );
    return rows.map(toWindow);
  }

  /** Windows of one stream (optionally one asset), newest first; `activeAt` keeps those covering that time. */
  async listWindows(stream: string, filter: { key?: string; activeAt?: number } = {}): Promise<MaintenanceWindow[]> {
    const rows = await this.#ch.query<Record<string, unknown>>(
      `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows FINAL
       WHERE stream = {stream:String} AND ({key:String} = '' OR key = {key:String})
         AND ({activeAt:Int64} < 0 OR (starts_at <= fromUnixTimestamp64Milli({activeAt:Int64}, 'UTC')
              AND ends_at > fromUnixTimestamp64Milli({activeAt:Int64}, 'UTC')))
       ORDER BY starts_at DESC LIMIT 1000`,
      { stream, key: filter.key ?? '', activeAt: filter.activeAt ?? -1 },
    );
    return rows.map(toWindow);
  }

  async addWindow(input: NewWindow): Promise<MaintenanceWindow> {
    const now = this.#clock();
    const w = validateWindow({ ...input, windowId: randomUUID(), createdAt: now, endedBy: '' });
    await this.#ch.insertRows('maintenance_windows', [windowRow(w, now)]);
    return w;
  }

  /** Ends a window now (or at `at`); a window that already ended keeps its end. */
  async endWindow(windowId: string, endedBy: string, at?: number): Promise<MaintenanceWindow> {
    const rows = await this.#ch.query<Record<string, unknown>>(
      `SELECT ${WINDOW_COLUMNS} FROM maintenance_windows FINAL WHERE window_id = {windowId:String}`,
      { windowId },
    );
    const found = rows[0];
    if (found === undefined) throw alertWorkflowError('VIGIL_ALERT_WORKFLOW_WINDOW_NOT_FOUND', { windowId });
    const w = toWindow(found);
    const now = this.#clock();
    const end = Math.max(w.startsAt + 1, Math.min(w.endsAt, at ?? now));
    const ended: MaintenanceWindow = { ...w, endsAt: end, endedBy };
    await this.#ch.insertRows('maintenance_windows', [windowRow(ended, Math.max(now, w.createdAt + 1))]);
    return ended;
  }
}

function windowRow(w: MaintenanceWindow, updatedAt: number) {
  return {
    window_id: w.windowId,
    stream: w.stream,
    key: w.key,
    mode: w.mode,
    starts_at: w.startsAt,
    ends_at: w.endsAt,
    reason: w.reason,
    created_by: w.createdBy,
    created_at: w.createdAt,
    ended_by: w.endedBy,
    updated_at: updatedAt,
  };
}

function toOverride(r: Record<string, unknown>): ThresholdOverride {
  return {
    stream: String(r.stream),
    level: String(r.level) as ThresholdLevel,
    target: String(r.target),
    threshold: Number(r.threshold),
    setBy: String(r.setBy),
    setAt: Number(r.setAt),
    reason: String(r.reason),
  };
}

function toWindow(r: Record<string, unknown>): MaintenanceWindow {
  return {
    windowId: String(r.windowId),
    stream: String(r.stream),
    key: String(r.key),
    mode: String(r.mode) as OperatingMode,
    startsAt: Number(r.startsAt),
    endsAt: Number(r.endsAt),
    reason: String(r.reason),
    createdBy: String(r.createdBy),
    createdAt: Number(r.createdAt),
    endedBy: String(r.endedBy),
  };
}
