/** Model and drift, Orders, Alert quality (ClickHouse, plus drift gauges from Prometheus). */
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  QueryVariableBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as StatBuilder } from '@grafana/grafana-foundation-sdk/stat';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { CLICKHOUSE, clickhouse, PROMETHEUS, prometheus } from './queries.js';

const LIVE_PRODUCTION = "model_name = '${model}' AND model_role = 'production' AND run_id = ''";

export function modelAndDrift(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Model and drift')
    .uid('vigil-model-drift')
    .tags(['vigil', 'model'])
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .withVariable(
      new QueryVariableBuilder('model')
        .label('Model')
        .datasource(CLICKHOUSE)
        .query("SELECT DISTINCT name FROM model_versions FINAL WHERE state = 'production' ORDER BY name")
        .refresh(VariableRefresh.OnDashboardLoad),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('Model versions')
        .datasource(CLICKHOUSE)
        .enable(true)
        .iconColor('blue')
        .target(
          clickhouse(`
            SELECT at AS time, concat(action, ' ', version, ifNull(concat(' (from ', from_version, ')'), ''), ' by ', actor, ': ', reason) AS text,
                   ['model', action] AS tags
            FROM model_events FINAL
            WHERE model_name = '\${model}' AND $__timeFilter(at)
          `),
        ),
    )
    .withPanel(
      new StatBuilder()
        .title('Drifted targets now (1h)')
        .description('Features, score or alert rate whose PSI exceeds 0.2 over the last hour (vigil_drift_psi).')
        .datasource(PROMETHEUS)
        .height(5)
        .span(6)
        .withTarget(prometheus('count(vigil_drift_psi{model="$model",window="1h"} > 0.2) or vector(0)', 'drifted')),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('PSI per feature (1h window)')
        .description('PSI of each feature against the production card reference, per monitoring run.')
        .datasource(CLICKHOUSE)
        .height(9)
        .span(18)
        .withTarget(
          clickhouse(
            `
            SELECT computed_at AS time, target, psi
            FROM drift
            WHERE model_name = '\${model}' AND window = '1h' AND kind = 'feature' AND $__timeFilter(computed_at)
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Latest drift report')
        .description('Latest measure per target and window, worst first (what `vigil drift` prints).')
        .datasource(CLICKHOUSE)
        .height(10)
        .span(12)
        .withTarget(
          clickhouse(`
            SELECT target, kind, window, round(argMax(psi, computed_at), 4) AS psi,
                   round(argMax(js_distance, computed_at), 4) AS js_distance,
                   argMax(live_rows, computed_at) AS live_rows, argMax(drifted, computed_at) AS drifted
            FROM drift
            WHERE model_name = '\${model}' AND $__timeFilter(computed_at)
            GROUP BY target, kind, window
            ORDER BY drifted DESC, psi DESC
          `),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Score distribution')
        .description('Quantiles of the production model score per interval, with the threshold.')
        .datasource(CLICKHOUSE)
        .height(10)
        .span(12)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time,
                   quantile(0.5)(score) AS p50, quantile(0.95)(score) AS p95, quantile(0.99)(score) AS p99,
                   any(threshold) AS threshold
            FROM inferences FINAL
            WHERE ${LIVE_PRODUCTION} AND $__timeFilter(event_time)
            GROUP BY time
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Alert rate')
        .description('Share of scores above threshold per interval, and the rate the threshold was chosen for.')
        .unit('percentunit')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(24)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, model_version, avg(anomaly) AS alert_rate
            FROM inferences FINAL
            WHERE ${LIVE_PRODUCTION} AND $__timeFilter(event_time)
            GROUP BY time, model_version
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    );
}

export function orders(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Orders')
    .uid('vigil-orders')
    .tags(['vigil', 'orders'])
    .refresh('1m')
    .time({ from: 'now-24h', to: 'now' })
    .annotation(
      new AnnotationQueryBuilder()
        .name('Order anomalies')
        .datasource(CLICKHOUSE)
        .enable(true)
        .iconColor('red')
        .target(
          clickhouse(`
            SELECT opened_at AS time, closed_at AS timeEnd, concat(key, ': ', severity, ' alert') AS text, ['orders', key] AS tags
            FROM alerts_current
            WHERE stream = 'orders' AND run_id = '' AND $__timeFilter(opened_at)
          `),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Revenue per store')
        .description('Approved order amounts per store and interval.')
        .datasource(CLICKHOUSE)
        .height(9)
        .span(12)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, store_id, sum(amount) AS revenue
            FROM orders FINAL
            WHERE $__timeFilter(event_time) AND payment_outcome = 'approved'
            GROUP BY time, store_id
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Orders per store')
        .datasource(CLICKHOUSE)
        .height(9)
        .span(12)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, store_id, count() AS orders
            FROM orders FINAL
            WHERE $__timeFilter(event_time)
            GROUP BY time, store_id
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Payment failure rate per store')
        .unit('percentunit')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(12)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, store_id, avg(payment_outcome != 'approved') AS failure_rate
            FROM orders FINAL
            WHERE $__timeFilter(event_time)
            GROUP BY time, store_id
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Order anomalies')
        .description('Alerts of the orders stream (per store).')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(12)
        .withTarget(
          clickhouse(`
            SELECT opened_at, closed_at, key AS store_id, state, severity, round(score, 3) AS score, model_version
            FROM alerts_current
            WHERE stream = 'orders' AND run_id = '' AND $__timeFilter(opened_at)
            ORDER BY opened_at DESC
            LIMIT 200
          `),
        ),
    );
}

/**
 * Live sensor alerts of the range joined with their latest verdict and the ground-truth fault they opened in:
 * the per-alert rows the alert-quality panels aggregate, with the definitions of alert-workflow/alert-quality.ts
 * (what GET /v1/alert-quality returns): suppressed alerts (maintenance windows) are counted apart and left out of
 * every figure; precision = real_fault / (real_fault + false_alarm) among reviewed alerts; lead time = end of the
 * fault the alert opened in - its opening.
 */
const QUALITY_ALERTS = `
    SELECT a.key AS key, replaceRegexpOne(a.model_name, '^sensors-', '') AS asset_type, a.suppressed AS suppressed,
           a.opened_at AS opened_at, k.alert_id != '' AS acknowledged, k.ack_at AS ack_at, k.verdict AS verdict,
           arrayFirst(s -> a.opened_at >= s.1 AND a.opened_at <= s.2, f.spans) AS fault,
           if(fault.2 > toDateTime64(0, 3), dateDiff('second', a.opened_at, fault.2), NULL) AS lead_seconds
    FROM (SELECT * FROM alerts FINAL WHERE stream = 'sensors' AND run_id = '' AND $__timeFilter(opened_at)) AS a
    LEFT JOIN (SELECT alert_id, ack_at, verdict FROM alert_acknowledgements FINAL) AS k ON k.alert_id = a.alert_id
    LEFT JOIN
    (
        SELECT key, groupArray((start_time, end_time)) AS spans
        FROM fault_ground_truth FINAL
        WHERE stream = 'sensors' AND start_time <= $__toTime AND end_time >= $__fromTime
        GROUP BY key
    ) AS f ON f.key = a.key`;

/** The figures of alert-quality.ts over the rows of QUALITY_ALERTS, for one GROUP BY. */
const QUALITY_FIGURES = `
           countIf(NOT suppressed) AS alerts, countIf(suppressed) AS suppressed_alerts,
           countIf(NOT suppressed AND verdict = 'real_fault') AS real_faults,
           countIf(NOT suppressed AND verdict = 'false_alarm') AS false_alarms,
           real_faults + false_alarms AS reviewed,
           if(reviewed = 0, NULL, round(real_faults / reviewed, 3)) AS precision`;

/** Days in the dashboard range, at least one hour (as alert-quality.ts). */
const RANGE_DAYS = `greatest(dateDiff('second', $__fromTime, $__toTime) / 86400, 1 / 24)`;

export function alertQuality(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Alert quality')
    .uid('vigil-alert-quality')
    .tags(['vigil', 'alerts'])
    .refresh('5m')
    .time({ from: 'now-7d', to: 'now' })
    .withPanel(
      new StatBuilder()
        .title('Alerts confirmed real')
        .description(
          'Precision from verdicts: share of reviewed equipment alerts (real_fault or false_alarm) that operators marked real_fault. Suppressed alerts are not counted.',
        )
        .unit('percentunit')
        .datasource(CLICKHOUSE)
        .height(6)
        .span(8)
        .withTarget(
          clickhouse(`
            SELECT countIf(verdict = 'real_fault') / greatest(countIf(verdict IN ('real_fault', 'false_alarm')), 1) AS confirmed_share,
                   countIf(verdict IN ('real_fault', 'false_alarm')) AS acknowledged, count() AS alerts
            FROM alerts_current
            WHERE stream = 'sensors' AND run_id = '' AND $__timeFilter(opened_at)
              AND alert_id NOT IN (SELECT alert_id FROM alerts FINAL WHERE suppressed AND $__timeFilter(opened_at))
          `),
        ),
    )
    .withPanel(
      new StatBuilder()
        .title('Time to acknowledge (median, p90)')
        .unit('s')
        .datasource(CLICKHOUSE)
        .height(6)
        .span(8)
        .withTarget(
          clickhouse(`
            SELECT quantile(0.5)(dateDiff('second', opened_at, ack_at)) AS median_seconds,
                   quantile(0.9)(dateDiff('second', opened_at, ack_at)) AS p90_seconds
            FROM alerts_current
            WHERE stream = 'sensors' AND run_id = '' AND ack_at IS NOT NULL AND $__timeFilter(opened_at)
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Verdicts')
        .datasource(CLICKHOUSE)
        .height(6)
        .span(8)
        .withTarget(
          clickhouse(`
            SELECT ifNull(verdict, 'not acknowledged') AS verdict, count() AS alerts
            FROM alerts_current
            WHERE stream = 'sensors' AND run_id = '' AND $__timeFilter(opened_at)
            GROUP BY verdict
            ORDER BY alerts DESC
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Alert quality by asset type')
        .description(
          'As GET /v1/alert-quality (bySubject): alerts per asset per day, precision from verdicts; suppressed alerts (maintenance windows) apart.',
        )
        .datasource(CLICKHOUSE)
        .height(7)
        .span(24)
        .withTarget(
          clickhouse(`
            SELECT asset_type,${QUALITY_FIGURES},
                   round(alerts / ${RANGE_DAYS} / uniqExactIf(key, NOT suppressed), 3) AS alerts_per_asset_per_day,
                   quantileIf(0.5)(dateDiff('second', opened_at, ack_at), NOT suppressed AND acknowledged) AS median_ack_seconds,
                   quantileIf(0.5)(lead_seconds, NOT suppressed AND lead_seconds IS NOT NULL) AS median_lead_seconds
            FROM (${QUALITY_ALERTS})
            GROUP BY asset_type
            ORDER BY asset_type
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Alert quality by asset')
        .description(
          'As GET /v1/alert-quality (assets): per asset, alerts per day, precision from verdicts, median time to acknowledge and median lead time (fault end - alert opening, over simulator or imported ground truth).',
        )
        .datasource(CLICKHOUSE)
        .height(10)
        .span(24)
        .withTarget(
          clickhouse(`
            SELECT key AS asset, any(asset_type) AS asset_type,${QUALITY_FIGURES},
                   round(alerts / ${RANGE_DAYS}, 3) AS alerts_per_day,
                   quantileIf(0.5)(dateDiff('second', opened_at, ack_at), NOT suppressed AND acknowledged) AS median_ack_seconds,
                   quantileIf(0.5)(lead_seconds, NOT suppressed AND lead_seconds IS NOT NULL) AS median_lead_seconds
            FROM (${QUALITY_ALERTS})
            GROUP BY asset
            ORDER BY asset
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Detection and lead time before the fault end, by fault kind')
        .description(
          'Simulator ground truth: a fault counts as detected when an alert of its asset opened between its start and end; lead time = fault end - first such alert.',
        )
        .datasource(CLICKHOUSE)
        .height(9)
        .span(24)
        .withTarget(
          clickhouse(`
            SELECT kind, count() AS faults, countIf(first_alert IS NOT NULL) AS detected,
                   round(detected / faults, 3) AS detected_share,
                   quantileIf(0.5)(dateDiff('second', first_alert, end_time), first_alert IS NOT NULL) AS median_lead_seconds,
                   quantileIf(0.5)(dateDiff('second', start_time, first_alert), first_alert IS NOT NULL) AS median_detection_seconds
            FROM
            (
                SELECT f.kind AS kind, f.start_time AS start_time, f.end_time AS end_time,
                       arrayFilter(t -> t >= f.start_time AND t <= f.end_time, a.opens) AS inside,
                       if(length(inside) > 0, arrayMin(inside), NULL) AS first_alert
                FROM fault_ground_truth AS f FINAL
                LEFT JOIN
                (
                    SELECT key, groupArray(opened_at) AS opens
                    FROM alerts_current
                    WHERE stream = 'sensors' AND run_id = ''
                    GROUP BY key
                ) AS a ON a.key = f.key
                WHERE f.stream = 'sensors' AND $__timeFilter(f.start_time)
            )
            GROUP BY kind
            ORDER BY kind
          `),
        ),
    );
}
