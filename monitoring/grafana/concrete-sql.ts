/**
 * The SQL Grafana's ClickHouse plugin sends for a dashboard query: its time macros expanded for a range and the
 * dashboard variables (`${asset}`) replaced by values. Used to run every panel's query outside Grafana (the panel
 * tests and the query audit).
 */
export function concreteSql(
  sql: string,
  fromMs: number,
  toMs: number,
  variables: Readonly<Record<string, string>>,
): string {
  const from = `fromUnixTimestamp64Milli(${fromMs}, 'UTC')`;
  const to = `fromUnixTimestamp64Milli(${toMs}, 'UTC')`;
  let out = sql
    .replace(/\$__timeFilter\(([^)]+)\)/g, (_, col: string) => `${col} >= ${from} AND ${col} <= ${to}`)
    .replace(
      /\$__timeInterval\(([^)]+)\)/g,
      (_, col: string) => `toStartOfInterval(toDateTime(${col}), INTERVAL 60 second)`,
    )
    .replaceAll('$__fromTime', from)
    .replaceAll('$__toTime', to);
  for (const [name, value] of Object.entries(variables)) out = out.replaceAll(`\${${name}}`, value);
  return out;
}
