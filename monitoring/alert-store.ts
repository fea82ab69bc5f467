/** monitoring_alerts in ClickHouse: the open alerts (latest state with FINAL) and writing transitions. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { MonitoringAlertKind, MonitoringAlertRow, MonitoringSeverity } from './alert-transitions.js';

interface StoredAlert {
  readonly alert_id: string;
  readonly kind: string;
  readonly subject: string;
  readonly severity: string;
  readonly opened_at: string;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
  readonly labels: Record<string, string>;
  readonly version: number;
  readonly updated_at: string;
}

export async function readOpenAlerts(
  ch: ClickHouse,
  kinds: readonly MonitoringAlertKind[],
): Promise<MonitoringAlertRow[]> {
  const rows = await ch.query<StoredAlert>(
    `SELECT alert_id, kind, subject, severity, toUnixTimestamp64Milli(opened_at) AS opened_at, value, threshold,
            message, labels, version, toUnixTimestamp64Milli(updated_at) AS updated_at
     FROM monitoring_alerts FINAL
     WHERE state = 'open' AND kind IN {kinds:Array(String)}
     ORDER BY kind, subject`,
    { kinds },
    { maxRows: 100_000 },
  );
  return rows.map((r) => ({
    alert_id: r.alert_id,
    kind: r.kind as MonitoringAlertKind,
    subject: r.subject,
    state: 'open',
    severity: r.severity as MonitoringSeverity,
    opened_at: Number(r.opened_at),
    closed_at: null,
    value: r.value,
    threshold: r.threshold,
    message: r.message,
    labels: r.labels,
    version: Number(r.version),
    updated_at: Number(r.updated_at),
  }));
}

export async function writeAlertRows(ch: ClickHouse, rows: readonly MonitoringAlertRow[]): Promise<void> {
  await ch.insertRows('monitoring_alerts', rows as unknown as Record<string, unknown>[]);
}

/** Open alerts per kind (for the vigil_monitoring_alerts_open gauge). */
export async function countOpenAlerts(ch: ClickHouse): Promise<Map<string, number>> {
  const rows = await ch.query<{ kind: string; n: string }>(
    `SELECT kind, count() AS n FROM monitoring_alerts FINAL WHERE state = 'open' GROUP BY kind`,
  );
  return new Map(rows.map((r) => [r.kind, Number(r.n)]));
}
