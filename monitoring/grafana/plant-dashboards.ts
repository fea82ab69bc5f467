/** Plant overview and asset drill-down (ClickHouse). */
import {
  AnnotationQueryBuilder,
  DashboardBuilder,
  QueryVariableBuilder,
  VariableRefresh,
} from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TableBuilder } from '@grafana/grafana-foundation-sdk/table';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { CLICKHOUSE, clickhouse } from './queries.js';

const SEVERITY_RANK = "['low', 'medium', 'high', 'critical']";

export function plantOverview(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Plant overview')
    .uid('vigil-plant-overview')
    .tags(['vigil', 'plant'])
    .refresh('30s')
    .time({ from: 'now-6h', to: 'now' })
    .withPanel(
      new TableBuilder()
        .title('Asset status')
        .description('Every asset seen in the range: last reading, open equipment alerts and the worst severity.')
        .datasource(CLICKHOUSE)
        .height(10)
        .span(24)
        .withTarget(
          clickhouse(`
            SELECT
                r.asset_id AS asset, r.asset_type AS asset_type, r.site AS site, r.line AS line,
                r.last_reading AS last_reading,
                dateDiff('second', r.last_reading, $__toTime) AS silent_seconds,
                a.open_alerts AS open_alerts,
                if(a.open_alerts > 0, ${SEVERITY_RANK}[a.worst], '') AS worst_severity,
                multiIf(a.open_alerts > 0, 'anomaly', silent_seconds > 120, 'stale', 'ok') AS status
            FROM
            (
                SELECT asset_id, any(asset_type) AS asset_type, any(site) AS site, any(line) AS line,
                       max(event_time) AS last_reading
                FROM sensor_readings
                WHERE $__timeFilter(event_time)
                GROUP BY asset_id
            ) AS r
            LEFT JOIN
            (
                SELECT key, count() AS open_alerts, max(indexOf(${SEVERITY_RANK}, severity)) AS worst
                FROM alerts_current
                WHERE stream = 'sensors' AND state = 'open' AND run_id = ''
                GROUP BY key
            ) AS a ON a.key = r.asset_id
            ORDER BY status = 'ok', asset
          `),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Anomalies per asset')
        .description('Scores above the production model threshold, per asset and interval.')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(24)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, key AS asset, countIf(anomaly) AS anomalies
            FROM inferences FINAL
            WHERE $__timeFilter(event_time) AND stream = 'sensors' AND model_role = 'production' AND run_id = ''
            GROUP BY time, asset
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Open equipment alerts')
        .datasource(CLICKHOUSE)
        .height(9)
        .span(14)
        .withTarget(
          clickhouse(`
            SELECT opened_at, key AS asset, severity, round(score, 3) AS score, model_version,
                   arrayStringConcat(arrayMap(c -> c.1, contributors), ', ') AS contributors, alert_id
            FROM alerts_current
            WHERE state = 'open' AND run_id = ''
            ORDER BY indexOf(${SEVERITY_RANK}, severity) DESC, opened_at DESC
            LIMIT 200
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Open data-quality and drift alerts')
        .description('monitoring_alerts: stale assets, dead channels, drift (distinct from equipment anomalies).')
        .datasource(CLICKHOUSE)
        .height(9)
        .span(10)
        .withTarget(
          clickhouse(`
            SELECT opened_at, kind, subject, severity, message
            FROM monitoring_alerts FINAL
            WHERE state = 'open'
            ORDER BY opened_at DESC
            LIMIT 200
          `),
        ),
    );
}

export function assetDrillDown(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Asset drill-down')
    .uid('vigil-asset')
    .tags(['vigil', 'plant'])
    .refresh('30s')
    .time({ from: 'now-3h', to: 'now' })
    .withVariable(
      new QueryVariableBuilder('asset')
        .label('Asset')
        .datasource(CLICKHOUSE)
        .query('SELECT DISTINCT asset_id FROM sensor_readings WHERE $__timeFilter(event_time) ORDER BY asset_id')
        .refresh(VariableRefresh.OnTimeRangeChanged),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('Equipment alerts')
        .datasource(CLICKHOUSE)
        .enable(true)
        .iconColor('red')
        .target(
          clickhouse(`
            SELECT opened_at AS time, closed_at AS timeEnd,
                   concat(severity, ' alert, score ', toString(round(score, 3))) AS text, ['alert', severity] AS tags
            FROM alerts_current
            WHERE key = '\${asset}' AND run_id = '' AND $__timeFilter(opened_at)
          `),
        ),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('Anomalous scores')
        .datasource(CLICKHOUSE)
        .enable(false)
        .iconColor('orange')
        .target(
          clickhouse(`
            SELECT event_time AS time, concat('score ', toString(round(score, 3))) AS text, ['anomaly'] AS tags
            FROM inferences FINAL
            WHERE key = '\${asset}' AND anomaly AND model_role = 'production' AND run_id = '' AND $__timeFilter(event_time)
            ORDER BY event_time
            LIMIT 500
          `),
        ),
    )
    .annotation(
      new AnnotationQueryBuilder()
        .name('Injected faults (ground truth)')
        .datasource(CLICKHOUSE)
        .enable(true)
        .iconColor('purple')
        .target(
          clickhouse(`
            SELECT start_time AS time, end_time AS timeEnd, concat('fault ', kind, ' on ', arrayStringConcat(channels, ', ')) AS text,
                   ['fault', kind] AS tags
            FROM fault_ground_truth FINAL
            WHERE key = '\${asset}' AND start_time <= $__toTime AND end_time >= $__fromTime
          `),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Channels of ${asset}')
        .datasource(CLICKHOUSE)
        .height(10)
        .span(24)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, channel, avg(value) AS value
            FROM sensor_readings
            ARRAY JOIN mapKeys(channels) AS channel, mapValues(channels) AS value
            WHERE asset_id = '\${asset}' AND $__timeFilter(event_time)
            GROUP BY time, channel
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TimeseriesBuilder()
        .title('Anomaly score and threshold')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(16)
        .withTarget(
          clickhouse(
            `
            SELECT $__timeInterval(event_time) AS time, max(score) AS max_score, any(threshold) AS threshold
            FROM inferences FINAL
            WHERE key = '\${asset}' AND model_role = 'production' AND run_id = '' AND $__timeFilter(event_time)
            GROUP BY time
            ORDER BY time
          `,
            'time_series',
          ),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Data quality of ${asset}')
        .description('Latest value of each data-quality check (monitoring/data-quality.ts).')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(8)
        .withTarget(
          clickhouse(`
            SELECT check, channel, round(argMax(value, computed_at), 4) AS value, argMax(status, computed_at) AS status
            FROM data_quality
            WHERE asset_id = '\${asset}' AND $__timeFilter(computed_at)
            GROUP BY check, channel
            ORDER BY status = 'ok', check, channel
          `),
        ),
    )
    .withPanel(
      new TableBuilder()
        .title('Alerts of ${asset}')
        .datasource(CLICKHOUSE)
        .height(8)
        .span(24)
        .withTarget(
          clickhouse(`
            SELECT opened_at, closed_at, state, severity, round(score, 3) AS score, model_version, verdict, ack_by,
                   arrayStringConcat(arrayMap(c -> concat(c.1, ' z=', toString(round(c.5, 1))), contributors), ', ') AS contributors
            FROM alerts_current
            WHERE key = '\${asset}' AND run_id = '' AND $__timeFilter(opened_at)
            ORDER BY opened_at DESC
            LIMIT 200
          `),
        ),
    );
}
