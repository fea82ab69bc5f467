/**
 * Every ClickHouse query of the generated dashboards (panels, variables, annotations) and of the Grafana alert
 * rules runs against the real migrated schema filled with simulator data (monitoring-fill.ts, after one monitoring
 * run), with Grafana's macros and variables replaced by concrete values, and returns the columns its panel needs.
 */

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { alertQuality } from '../../alert-workflow/alert-quality.js';
import { configWith } from '../../core/config/index.js';
import { GRAFANA_RULES } from '../../monitoring/grafana/alert-rules.js';
import { concreteSql } from '../../monitoring/grafana/concrete-sql.js';
import { allDashboards } from '../../monitoring/grafana/dashboards.js';
import { createMonitoring } from '../../monitoring/start-monitoring.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { fillMonitoringData, MODEL_NAME } from './monitoring-fill.js';

const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const FROM = NOW - 3 * 3_600_000;
const ASSET = 'P-101';

interface PanelQuery {
  readonly where: string;
  readonly kind: 'panel' | 'variable' | 'annotation' | 'alert';
  readonly format: 'table' | 'time_series';
  readonly sql: string;
}

/** The query Grafana would send for this range and these variable values. */
function concrete(sql: string): string {
  return concreteSql(sql, FROM, NOW, { asset: ASSET, model: MODEL_NAME });
}

function clickhouseQueries(): PanelQuery[] {
  const out: PanelQuery[] = [];
  type Target = { rawSql?: string; format?: number };
  for (const { dashboard } of allDashboards()) {
    for (const panel of dashboard.panels ?? []) {
      const p = panel as { title?: string; targets?: Target[] };
      for (const t of p.targets ?? []) {
        if (t.rawSql === undefined) continue;
        out.push({
          where: `${dashboard.title} / ${p.title}`,
          kind: 'panel',
          format: t.format === 0 ? 'time_series' : 'table',
          sql: t.rawSql,
        });
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (typeof v.query === 'string')
        out.push({ where: `${dashboard.title} / $${v.name}`, kind: 'variable', format: 'table', sql: v.query });
    }
    for (const a of dashboard.annotations?.list ?? []) {
      const target = a.target as Target | undefined;
      if (target?.rawSql)
        out.push({ where: `${dashboard.title} / ${a.name}`, kind: 'annotation', format: 'table', sql: target.rawSql });
    }
  }
  for (const r of GRAFANA_RULES) {
    if ('rawSql' in r.query)
      out.push({ where: `alert ${r.title}`, kind: 'alert', format: 'table', sql: r.query.rawSql });
  }
  return out;
}

/** Columns a panel cannot do without (beyond the generic rules per kind). */
const REQUIRED_COLUMNS: Record<string, string[]> = {
  'Vigil / Plant overview / Asset status': [
    'asset',
    'asset_type',
    'last_reading',
    'open_alerts',
    'worst_severity',
    'status',
  ],
  'Vigil / Plant overview / Open equipment alerts': ['opened_at', 'asset', 'severity', 'score', 'contributors'],
  'Vigil / Model and drift / Latest drift report': ['target', 'kind', 'window', 'psi', 'js_distance', 'drifted'],
  'Vigil / Model and drift / Score distribution': ['time', 'p50', 'p95', 'p99', 'threshold'],
  'Vigil / Orders / Revenue per store': ['time', 'store_id', 'revenue'],
  'Vigil / Alert quality / Alerts confirmed real': ['confirmed_share', 'acknowledged', 'alerts'],
  'Vigil / Alert quality / Time to acknowledge (median, p90)': ['median_seconds', 'p90_seconds'],
  'Vigil / Alert quality / Alert quality by asset type': [
    'asset_type',
    'alerts',
    'suppressed_alerts',
    'alerts_per_asset_per_day',
    'reviewed',
    'real_faults',
    'false_alarms',
    'precision',
    'median_ack_seconds',
    'median_lead_seconds',
  ],
  'Vigil / Alert quality / Alert quality by asset': [
    'asset',
    'asset_type',
    'alerts',
    'suppressed_alerts',
    'alerts_per_day',
    'reviewed',
    'precision',
    'median_ack_seconds',
    'median_lead_seconds',
  ],
  'Vigil / Alert quality / Detection and lead time before the fault end, by fault kind': [
    'kind',
    'faults',
    'detected',
    'detected_share',
    'median_lead_seconds',
  ],
  'alert Equipment anomaly (high or critical)': ['asset', 'severity', 'open_alerts'],
};

/** Panels that may legitimately be empty on this data (no order model runs in the fill). */
const MAY_BE_EMPTY = new Set([
  'Vigil / Orders / Order anomalies',
  'Vigil / Orders / Order anomalies (annotation)',
  'alert Equipment anomaly (high or critical)',
  'alert Equipment anomaly (low or medium)',
  'Vigil / Asset drill-down / Injected faults (ground truth)',
]);

let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
  await fillMonitoringData(db.ch, { now: NOW, minutes: 90, orders: true, shift: { channel: 'bearing_temp', by: -15 } });
  const monitoring = createMonitoring(
    {
      ch: db.ch,
      config: configWith({}),
      logger: createLogger('silent'),
      registry: createMetricsRegistry(),
      clock: () => NOW,
    },
    { schedule: false },
  );
  const run = await monitoring.runOnce();
  expect([...run.errors.values()]).toEqual([]);
}, 240_000);

afterAll(async () => {
  await db?.close();
});

describe('Grafana ClickHouse queries on the real schema', () => {
  const queries = clickhouseQueries();

  it('finds the queries of every ClickHouse dashboard, variable, annotation and alert rule', () => {
    expect(queries.filter((q) => q.kind === 'panel').length).toBeGreaterThanOrEqual(20);
    expect(queries.filter((q) => q.kind === 'variable').map((q) => q.where)).toEqual([
      'Vigil / Asset drill-down / $asset',
      'Vigil / Model and drift / $model',
    ]);
    expect(queries.filter((q) => q.kind === 'annotation').length).toBe(5);
    for (const q of queries) expect(concrete(q.sql), q.where).not.toMatch(/\$__|\$\{/);
  });

  it.each(queries.map((q) => [q.where, q] as const))(
    '%s runs and returns the columns its panel needs',
    async (where, q) => {
      const sql = concrete(q.sql);
      const columns = (await db.ch.query<{ name: string }>(`DESCRIBE TABLE (${sql})`, {}, { maxRows: 1000 })).map(
        (c) => c.name,
      );
      const rows = await db.ch.query(sql, {}, { maxRows: 100_000 });
      const label = q.kind === 'annotation' ? `${where} (annotation)` : where;
      if (!MAY_BE_EMPTY.has(label) && !MAY_BE_EMPTY.has(where))
        expect(rows.length, `${where} returned no rows`).toBeGreaterThan(0);
      if (q.format === 'time_series') expect(columns[0], where).toBe('time');
      if (q.kind === 'annotation') expect(columns).toEqual(expect.arrayContaining(['time', 'text']));
      if (q.kind === 'variable') expect(columns).toHaveLength(1);
      expect(columns).toEqual(expect.arrayContaining(REQUIRED_COLUMNS[where] ?? []));
    },
  );

  it('shows the filled data where it matters', async () => {
    const assetStatus = queries.find((q) => q.where === 'Vigil / Plant overview / Asset status')!;
    const rows = await db.ch.query<{ asset: string; status: string }>(concrete(assetStatus.sql));
    expect(rows.map((r) => r.asset).sort()).toEqual(['P-101', 'P-102', 'P-103', 'P-104']);
    const drift = queries.find((q) => q.where === 'Vigil / Model and drift / Latest drift report')!;
    const report = await db.ch.query<{ target: string; drifted: boolean }>(concrete(drift.sql));
    expect(report.find((r) => r.target === 'bearing_temp.w5m.mean')?.drifted).toBe(true);
  });

  it('shows the alert quality figures the API computes (alert-workflow/alert-quality.ts), per asset and type', async () => {
    // Verdicts as the API stores them: every other alert real, the rest false alarms, acknowledged 10 min later.
    const opened = await db.ch.query<{ alert_id: string; key: string; opened_at: string }>(
      `SELECT alert_id, key, toUnixTimestamp64Milli(opened_at) AS opened_at FROM alerts FINAL
       WHERE stream = 'sensors' AND run_id = '' ORDER BY opened_at, alert_id`,
    );
    expect(opened.length).toBeGreaterThan(1);
    await db.ch.insertRows(
      'alert_acknowledgements',
      opened.map((a, i) => ({
        alert_id: a.alert_id,
        stream: 'sensors',
        key: a.key,
        action: 'resolved',
        ack_by: 'operator',
        ack_at: Number(a.opened_at) + 600_000,
        verdict: i % 2 === 0 ? 'real_fault' : 'false_alarm',
        comment: '',
      })),
    );
    const api = await alertQuality(db.ch, 'sensors', FROM, NOW);
    const byAsset = queries.find((q) => q.where === 'Vigil / Alert quality / Alert quality by asset')!;
    const rows = await db.ch.query<Record<string, unknown>>(concrete(byAsset.sql));
    expect(rows.map((r) => r.asset)).toEqual(api.assets.map((a) => a.key));
    for (const a of api.assets) {
      const r = rows.find((x) => x.asset === a.key)!;
      expect(Number(r.alerts), a.key).toBe(a.alerts);
      expect(Number(r.suppressed_alerts), a.key).toBe(a.suppressed);
      expect(Number(r.reviewed), a.key).toBe(a.reviewed);
      expect(r.precision === null ? null : Number(r.precision), a.key).toBe(
        a.precision === null ? null : Math.round(a.precision * 1000) / 1000,
      );
      expect(Number(r.alerts_per_day), a.key).toBeCloseTo(a.alertsPerDay, 2);
      const ack = r.median_ack_seconds === null ? null : Number(r.median_ack_seconds) * 1000;
      expect(ack, a.key).toBe(a.medianTimeToAckMs);
      if (a.medianLeadTimeMs === null) expect(r.median_lead_seconds, a.key).toBeNull();
      else expect(Number(r.median_lead_seconds) * 1000, a.key).toBeCloseTo(a.medianLeadTimeMs, -4);
    }
    const byType = queries.find((q) => q.where === 'Vigil / Alert quality / Alert quality by asset type')!;
    const types = await db.ch.query<Record<string, unknown>>(concrete(byType.sql));
    for (const t of api.bySubject) {
      const r = types.find((x) => x.asset_type === t.subject)!;
      expect(Number(r.alerts), t.subject).toBe(t.alerts);
      expect(Number(r.alerts_per_asset_per_day), t.subject).toBeCloseTo(t.alertsPerDay, 2);
      expect(r.precision === null ? null : Number(r.precision)).toBe(
        t.precision === null ? null : Math.round(t.precision * 1000) / 1000,
      );
    }
  });
});
