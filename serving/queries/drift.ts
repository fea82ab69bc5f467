/**
 * What the drift job stores (monitoring/drift-job.ts, clickhouse/0011_monitoring.sql): the measures of the `drift`
 * table and the drift alerts of `monitoring_alerts` (FINAL: the latest state of each alert). Both filtered by model,
 * window and target; drift alerts carry those three in their labels.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';

export interface DriftFilter {
  readonly from: number;
  readonly to: number;
  readonly limit: number;
  readonly model?: string;
  readonly window?: string;
  readonly target?: string;
  /** Only measures over their thresholds. */
  readonly drifted?: boolean;
  /** Only the newest measure of each (model, window, target) in the range. */
  readonly latest?: boolean;
}

export interface DriftMeasureView {
  computedAt: number;
  model: string;
  version: string;
  stream: string;
  window: string;
  windowMs: number;
  kind: string;
  target: string;
  psi: number;
  jsDistance: number;
  liveRows: number;
  liveCounts: number[];
  referenceCounts: number[];
  drifted: boolean;
}

export interface DriftAlertView {
  alertId: string;
  subject: string;
  state: string;
  severity: string;
  openedAt: number;
  closedAt: number | null;
  value: number;
  threshold: number;
  message: string;
  model: string;
  version: string;
  window: string;
  target: string;
  updatedAt: number;
}

/** The filters common to both tables, as SQL conditions on the given column expressions. */
function filters(f: DriftFilter, cols: { model: string; window: string; target: string }): string {
  return [
    f.model === undefined ? '' : `AND ${cols.model} = {model:String}`,
    f.window === undefined ? '' : `AND ${cols.window} = {window:String}`,
    f.target === undefined ? '' : `AND ${cols.target} = {target:String}`,
  ].join(' ');
}

function params(f: DriftFilter): Record<string, unknown> {
  return {
    from: f.from,
    to: f.to,
    limit: f.limit,
    model: f.model ?? '',
    window: f.window ?? '',
    target: f.target ?? '',
  };
}

export async function listDriftMeasures(ch: ClickHouse, f: DriftFilter): Promise<DriftMeasureView[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT toUnixTimestamp64Milli(computed_at) AS computedAt, model_name AS model, model_version AS version, stream,
       \`window\` AS window, window_ms AS windowMs, kind, target, psi, js_distance AS jsDistance,
       live_rows AS liveRows, live_counts AS liveCounts, reference_counts AS referenceCounts, drifted
     FROM drift
     WHERE computed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC')
       AND computed_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       ${filters(f, { model: 'model_name', window: '`window`', target: 'target' })}
       ${f.drifted ? 'AND drifted' : ''}
     ORDER BY computed_at DESC, model_name, \`window\`, target
     ${f.latest ? 'LIMIT 1 BY model_name, `window`, target' : ''}
     LIMIT {limit:UInt32}`,
    params(f),
    { maxRows: f.limit },
  );
  return rows.map((r) => ({
    computedAt: Number(r.computedAt),
    model: String(r.model),
    version: String(r.version),
    stream: String(r.stream),
    window: String(r.window),
    windowMs: Number(r.windowMs),
    kind: String(r.kind),
    target: String(r.target),
    psi: Number(r.psi),
    jsDistance: Number(r.jsDistance),
    liveRows: Number(r.liveRows),
    liveCounts: (r.liveCounts as unknown[]).map(Number),
    referenceCounts: (r.referenceCounts as unknown[]).map(Number),
    drifted: r.drifted === true || r.drifted === 1,
  }));
}

/** Drift alerts open at some time in [from, to): opened before its end and not closed before its start. */
export async function listDriftAlerts(ch: ClickHouse, f: DriftFilter): Promise<DriftAlertView[]> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT alert_id AS alertId, subject, state, severity, toUnixTimestamp64Milli(opened_at) AS openedAt,
       toUnixTimestamp64Milli(closed_at) AS closedAt, value, threshold, message, labels['model'] AS model,
       labels['version'] AS version, labels['window'] AS window, labels['target'] AS target,
       toUnixTimestamp64Milli(updated_at) AS updatedAt
     FROM monitoring_alerts FINAL
     WHERE kind = 'drift'
       AND opened_at < fromUnixTimestamp64Milli({to:Int64}, 'UTC')
       AND (closed_at IS NULL OR closed_at >= fromUnixTimestamp64Milli({from:Int64}, 'UTC'))
       ${filters(f, { model: "labels['model']", window: "labels['window']", target: "labels['target']" })}
     ORDER BY opened_at DESC, alert_id
     LIMIT {limit:UInt32}`,
    params(f),
    { maxRows: f.limit },
  );
  return rows.map((r) => ({
    alertId: String(r.alertId),
    subject: String(r.subject),
    state: String(r.state),
    severity: String(r.severity),
    openedAt: Number(r.openedAt),
    closedAt: r.closedAt === null ? null : Number(r.closedAt),
    value: Number(r.value),
    threshold: Number(r.threshold),
    message: String(r.message),
    model: String(r.model),
    version: String(r.version),
    window: String(r.window),
    target: String(r.target),
    updatedAt: Number(r.updatedAt),
  }));
}
