/**
 * Datasource references and query builders shared by the generated dashboards and alert rules. The Foundation
 * SDK has no ClickHouse query type, so `clickhouse()` builds the `grafana-clickhouse-datasource` (v4) query model
 * itself: raw SQL with the plugin's macros ($__timeFilter, $__timeInterval, $__toTime, ...) and dashboard
 * variables (${asset}, ${model}).
 */
import type * as cog from '@grafana/grafana-foundation-sdk/cog';
import { DataqueryBuilder as PrometheusQueryBuilder } from '@grafana/grafana-foundation-sdk/prometheus';

/** uids fixed in grafana/provisioning/datasources/vigil.yaml. */
export const CLICKHOUSE = { type: 'grafana-clickhouse-datasource', uid: 'vigil-clickhouse' } as const;
export const PROMETHEUS = { type: 'prometheus', uid: 'vigil-prometheus' } as const;

export type ClickHouseFormat = 'table' | 'time_series';

/** The plugin's query model (format: 0 time series, 1 table). */
export interface ClickHouseQuery {
  readonly refId: string;
  readonly datasource: typeof CLICKHOUSE;
  readonly editorType: 'sql';
  readonly queryType: 'table' | 'timeseries';
  readonly format: 0 | 1;
  readonly rawSql: string;
}

class ClickHouseQueryBuilder implements cog.Builder<cog.Dataquery> {
  constructor(private readonly query: ClickHouseQuery) {}
  build(): cog.Dataquery {
    return { ...this.query, _implementsDataqueryVariant() {} } as unknown as cog.Dataquery;
  }
}

/** Strips the indentation of a template literal so the SQL in the JSON reads like SQL. */
export function sql(text: string): string {
  const lines = text.replace(/^\n/, '').replace(/\s+$/, '').split('\n');
  const indent = Math.min(...lines.filter((l) => l.trim()).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(indent)).join('\n');
}

export function clickhouse(
  rawSql: string,
  format: ClickHouseFormat = 'table',
  refId = 'A',
): cog.Builder<cog.Dataquery> {
  return new ClickHouseQueryBuilder({
    refId,
    datasource: CLICKHOUSE,
    editorType: 'sql',
    queryType: format === 'table' ? 'table' : 'timeseries',
    format: format === 'table' ? 1 : 0,
    rawSql: sql(rawSql),
  });
}

export function prometheus(expr: string, legend: string, refId = 'A'): PrometheusQueryBuilder {
  return new PrometheusQueryBuilder().expr(expr).legendFormat(legend).refId(refId).datasource(PROMETHEUS);
}
