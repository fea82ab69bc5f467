/**
 * Grafana-managed alert rules, contact point and notification policy, in Grafana's file-provisioning format
 * (grafana/provisioning/alerting/vigil-alerting.json). Maintenance alerts read ClickHouse (open equipment alerts
 * by severity); drift, lag, dead letters and stale data read the Prometheus metrics of docs/metrics.md, with the
 * same expressions as prometheus/rules/vigil-alerts.yml (which promtool tests).
 */
import { CLICKHOUSE, PROMETHEUS, sql } from './queries.js';

interface RuleSpec {
  readonly uid: string;
  readonly title: string;
  readonly query:
    | { readonly datasource: 'prometheus'; readonly expr: string }
    | { readonly datasource: 'clickhouse'; readonly rawSql: string };
  /** Fires when the query's value is above this. */
  readonly above: number;
  readonly for: string;
  readonly team: 'maintenance' | 'ml' | 'platform';
  readonly severity: 'critical' | 'warning';
  readonly summary: string;
}

export const GRAFANA_RULES: readonly RuleSpec[] = [
  {
    uid: 'vigil-equipment-critical',
    title: 'Equipment anomaly (high or critical)',
    query: {
      datasource: 'clickhouse',
      rawSql: sql(`
        SELECT key AS asset, severity, count() AS open_alerts
        FROM alerts_current
        WHERE stream = 'sensors' AND state = 'open' AND run_id = '' AND severity IN ('high', 'critical')
        GROUP BY asset, severity
      `),
    },
    above: 0,
    for: '0s',
    team: 'maintenance',
    severity: 'critical',
    summary:
      'Asset {{ $labels.asset }} has an open {{ $labels.severity }} equipment alert: check it on the Asset drill-down.',
  },
  {
    uid: 'vigil-equipment-medium',
    title: 'Equipment anomaly (low or medium)',
    query: {
      datasource: 'clickhouse',
      rawSql: sql(`
        SELECT key AS asset, severity, count() AS open_alerts
        FROM alerts_current
        WHERE stream = 'sensors' AND state = 'open' AND run_id = '' AND severity IN ('low', 'medium')
        GROUP BY asset, severity
      `),
    },
    above: 0,
    for: '15m',
    team: 'maintenance',
    severity: 'warning',
    summary: 'Asset {{ $labels.asset }} has had an open {{ $labels.severity }} equipment alert for 15 minutes.',
  },
  {
    uid: 'vigil-model-drift',
    title: 'Model drift',
    query: { datasource: 'prometheus', expr: 'max by (model, feature, window) (vigil_drift_psi)' },
    above: 0.2,
    for: '30m',
    team: 'ml',
    severity: 'warning',
    summary:
      '{{ $labels.model }}: {{ $labels.feature }} drifted over {{ $labels.window }} (PSI above 0.2): retrain or check the sensor.',
  },
  {
    uid: 'vigil-consumer-lag',
    title: 'Consumer lag',
    query: { datasource: 'prometheus', expr: 'sum by (stream) (vigil_processor_consumer_lag_records)' },
    above: 10_000,
    for: '10m',
    team: 'platform',
    severity: 'warning',
    summary: 'Stream {{ $labels.stream }} is more than 10000 records behind: scale the processors or check ClickHouse.',
  },
  {
    uid: 'vigil-dead-letter-spike',
    title: 'Dead-letter spike',
    query: {
      datasource: 'prometheus',
      expr: 'sum by (stream) (rate(vigil_processor_dead_letters_total[5m])) / sum by (stream) (rate(vigil_processor_records_consumed_total[5m]))',
    },
    above: 0.05,
    for: '5m',
    team: 'platform',
    severity: 'warning',
    summary: 'More than 5% of {{ $labels.stream }} records go to the dead letters: see the reasons on Pipeline health.',
  },
  {
    uid: 'vigil-stale-data',
    title: 'Stale data',
    query: { datasource: 'prometheus', expr: 'max by (asset_type) (vigil_data_stale_assets)' },
    above: 0,
    for: '2m',
    team: 'maintenance',
    severity: 'warning',
    summary: '{{ $value }} {{ $labels.asset_type }} assets sent no reading recently: check the sensors or the gateway.',
  },
];

function ruleJson(r: RuleSpec) {
  const query =
    r.query.datasource === 'prometheus'
      ? {
          refId: 'A',
          datasourceUid: PROMETHEUS.uid,
          model: { refId: 'A', expr: r.query.expr, instant: true, range: false },
        }
      : {
          refId: 'A',
          datasourceUid: CLICKHOUSE.uid,
          model: { refId: 'A', editorType: 'sql', queryType: 'table', format: 1, rawSql: r.query.rawSql },
        };
  return {
    uid: r.uid,
    title: r.title,
    condition: 'B',
    data: [
      { ...query, relativeTimeRange: { from: 600, to: 0 } },
      {
        refId: 'B',
        datasourceUid: '__expr__',
        model: {
          refId: 'B',
          type: 'threshold',
          expression: 'A',
          conditions: [{ evaluator: { type: 'gt', params: [r.above] } }],
        },
      },
    ],
    noDataState: 'OK',
    execErrState: 'Error',
    for: r.for,
    annotations: { summary: r.summary },
    labels: { team: r.team, severity: r.severity },
  };
}

/** The provisioning file: rules in one folder, a webhook contact point, and the policy routing to it. */
export function alertingProvisioning() {
  return {
    apiVersion: 1,
    groups: [{ orgId: 1, name: 'vigil', folder: 'Vigil', interval: '1m', rules: GRAFANA_RULES.map(ruleJson) }],
    contactPoints: [
      {
        orgId: 1,
        name: 'vigil-webhook',
        receivers: [
          {
            uid: 'vigil-webhook',
            type: 'webhook',
            // Grafana expands environment variables in provisioning files.
            settings: { url: '$VIGIL_ALERT_WEBHOOK_URL', httpMethod: 'POST' },
            disableResolveMessage: false,
          },
        ],
      },
    ],
    policies: [
      {
        orgId: 1,
        receiver: 'vigil-webhook',
        group_by: ['alertname', 'team'],
        group_wait: '30s',
        repeat_interval: '4h',
      },
    ],
  };
}
