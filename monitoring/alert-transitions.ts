/**
 * Data-quality and drift alerts as transitions (pure): each run the jobs report findings (a subject firing or
 * healthy); an alert opens when a subject starts firing and closes when it is seen healthy again. A subject the
 * run did not observe at all (an asset silent for longer than the lookback) keeps its state: no data is not
 * "healthy". Rows go to `monitoring_alerts` (ReplacingMergeTree by version, read with FINAL).
 */
import { sha256Hex } from '../core/sha256.js';

export type MonitoringAlertKind = 'stale_asset' | 'dead_channel' | 'drift';
export type MonitoringSeverity = 'medium' | 'high';

export interface AlertFinding {
  readonly kind: MonitoringAlertKind;
  /** What the alert is about: asset id, asset/channel, or model/target/window. */
  readonly subject: string;
  readonly firing: boolean;
  readonly severity: MonitoringSeverity;
  /** The measure that was judged (seconds of silence, PSI) and the threshold it was held to. */
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** A row of monitoring_alerts (DateTime64 columns as epoch ms). */
export interface MonitoringAlertRow {
  readonly alert_id: string;
  readonly kind: MonitoringAlertKind;
  readonly subject: string;
  readonly state: 'open' | 'closed';
  readonly severity: MonitoringSeverity;
  readonly opened_at: number;
  readonly closed_at: number | null;
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly version: number;
  readonly updated_at: number;
}

/** Deterministic id: a re-run of the same transition writes the same row, which collapses. */
export function monitoringAlertId(kind: string, subject: string, openedAt: number): string {
  return sha256Hex(`${kind}\n${subject}\n${openedAt}`).slice(0, 32);
}

const keyOf = (kind: string, subject: string) => `${kind}\u0000${subject}`;

/** The rows to write for this run: openings for new firing subjects, closings for open ones seen healthy. */
export function alertTransitions(
  open: readonly MonitoringAlertRow[],
  findings: readonly AlertFinding[],
  now: number,
): MonitoringAlertRow[] {
  const openByKey = new Map(open.map((a) => [keyOf(a.kind, a.subject), a]));
  const rows: MonitoringAlertRow[] = [];
  const seen = new Set<string>();
  for (const f of findings) {
    const key = keyOf(f.kind, f.subject);
    if (seen.has(key)) continue; // one verdict per subject and run: the first one wins
    seen.add(key);
    const current = openByKey.get(key);
    if (f.firing && current === undefined) {
      rows.push({
        alert_id: monitoringAlertId(f.kind, f.subject, now),
        kind: f.kind,
        subject: f.subject,
        state: 'open',
        severity: f.severity,
        opened_at: now,
        closed_at: null,
        value: f.value,
        threshold: f.threshold,
        message: f.message,
        labels: f.labels,
        version: 1,
        updated_at: now,
      });
    } else if (!f.firing && current !== undefined) {
      rows.push({
        ...current,
        state: 'closed',
        closed_at: now,
        value: f.value,
        message: f.message,
        version: current.version + 1,
        updated_at: now,
      });
    }
  }
  return rows;
}
