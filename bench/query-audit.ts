/**
 * `npx tsx bench/query-audit.ts [--asset-copies 24] [--days 7]`: the performance audit of docs/performance-audit.md.
 * Fills an embedded ClickHouse (chDB, the same engine as the server) with the migrated schema and a realistic
 * volume, then runs every ClickHouse query of the Grafana dashboards and alert rules and of the API's reads, each
 * with `EXPLAIN indexes = 1` (which index, how many parts and granules it keeps) and its measured time (median of 5).
 *
 * Volume: simulator data scored by the fixture model (tests/integration/monitoring-fill.ts: 4 pumps, 3 h, with
 * alerts, dead letters, ground truth, orders), then copied to `--asset-copies` more assets and `--days` earlier
 * days, so a query for one asset and 3 h must skip most of the data, as it must in production. Prints markdown.
 */

import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { GRAFANA_RULES } from '../monitoring/grafana/alert-rules.js';
import { concreteSql } from '../monitoring/grafana/concrete-sql.js';
import { allDashboards } from '../monitoring/grafana/dashboards.js';
import { listAlerts } from '../serving/queries/alerts.js';
import { assetSeries, listAssets } from '../serving/queries/assets.js';
import { listAudit, modelComparison } from '../serving/queries/audit.js';
import { listDeadLetters } from '../serving/queries/dead-letters.js';
import { listInferences } from '../serving/queries/inferences.js';
import { openTestClickHouse } from '../tests/helpers/clickhouse.js';
import { fillMonitoringData, MODEL_NAME } from '../tests/integration/monitoring-fill.js';

type Params = Record<string, unknown>;
interface Audited {
  readonly where: string;
  readonly sql: string;
  readonly params: Params;
}

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const at = argv.indexOf(name);
  return at >= 0 ? Number(argv[at + 1]) : fallback;
};
const ASSET_COPIES = flag('--asset-copies', 24);
const DAYS = flag('--days', 7);
const NOW = Math.floor(Date.now() / 60_000) * 60_000;
const FROM = NOW - 3 * 3_600_000;
const ASSET = 'P-101';

/** The query Grafana would send for this range and these variable values. */
function concrete(sql: string): string {
  return concreteSql(sql, FROM, NOW, { asset: ASSET, model: MODEL_NAME });
}

function dashboardQueries(): Audited[] {
  const out: Audited[] = [];
  type Target = { rawSql?: string };
  for (const { dashboard } of allDashboards()) {
    for (const panel of dashboard.panels ?? []) {
      const p = panel as { title?: string; targets?: Target[] };
      for (const t of p.targets ?? []) {
        if (t.rawSql) out.push({ where: `${dashboard.title} / ${p.title}`, sql: concrete(t.rawSql), params: {} });
      }
    }
    for (const v of dashboard.templating?.list ?? []) {
      if (typeof v.query === 'string' && /\bFROM\b/i.test(v.query))
        out.push({ where: `${dashboard.title} / $${v.name}`, sql: concrete(v.query), params: {} });
    }
  }
  for (const r of GRAFANA_RULES) {
    if ('rawSql' in r.query) out.push({ where: `alert rule: ${r.title}`, sql: concrete(r.query.rawSql), params: {} });
  }
  return out;
}

/** Runs the API's read functions against a recorder, to audit exactly the SQL they send. */
async function apiQueries(ch: ClickHouse): Promise<Audited[]> {
  const out: Audited[] = [];
  let current = '';
  const recorder: ClickHouse = {
    ...ch,
    query: async <T>(sql: string, params?: Params) => {
      out.push({ where: current, sql, params: params ?? {} });
      return [] as T[];
    },
  };
  const calls: [string, () => Promise<unknown>][] = [
    ['GET /v1/assets', () => listAssets(recorder, NOW, 3_600_000)],
    ['GET /v1/assets/:id/series (3 h)', () => assetSeries(recorder, ASSET, FROM, NOW, 10_000)],
    [
      'GET /v1/inferences?asset (3 h)',
      () => listInferences(recorder, { assetId: ASSET, from: FROM, to: NOW, limit: 1000, source: 'stream' }),
    ],
    ['GET /v1/alerts?asset', () => listAlerts(recorder, { assetId: ASSET, limit: 100 })],
    ['GET /v1/alerts?state=open', () => listAlerts(recorder, { state: 'open', limit: 100 })],
    ['GET /v1/dead-letters?stream', () => listDeadLetters(recorder, { stream: 'sensors', limit: 100 })],
    ['GET /v1/audit (1 day)', () => listAudit(recorder, { from: NOW - 86_400_000, to: NOW, limit: 100 })],
    ['GET /v1/models/:name/comparison (3 h)', () => modelComparison(recorder, MODEL_NAME, FROM, NOW)],
  ];
  for (const [name, call] of calls) {
    current = name;
    await call().catch(() => undefined); // the recorder returns no rows; a mapper may complain, the SQL is recorded
  }
  return out;
}

/** Copies the filled rows to more assets and earlier days, inside ClickHouse. */
async function multiply(ch: ClickHouse): Promise<void> {
  const copies = `arrayJoin(range(1, ${ASSET_COPIES + 1}))`;
  const tables: [string, string, string[]][] = [
    ['sensor_readings', 'asset_id', ['event_id']],
    ['features', 'key', ['event_id']],
    ['inferences', 'key', ['event_id', 'inference_id']],
    ['alerts', 'key', ['alert_id']],
  ];
  for (const [table, key, ids] of tables) {
    const renamed = [key, ...ids].map((c) => `concat(${c}, '-', toString(c)) AS ${c}`).join(', ');
    await ch.command(
      `INSERT INTO ${table} SELECT * EXCEPT (c) REPLACE (${renamed}) FROM (SELECT *, ${copies} AS c FROM ${table})`,
    );
    const shifted = ['event_time', ...(table === 'alerts' ? ['opened_at'] : [])]
      .map((c) => `${c} - toIntervalDay(d) AS ${c}`)
      .concat(ids.map((c) => `concat(${c}, '-d', toString(d)) AS ${c}`))
      .join(', ');
    const timeCol = table === 'alerts' ? 'opened_at' : 'event_time';
    await ch.command(
      `INSERT INTO ${table} SELECT * EXCEPT (d) REPLACE (${shifted}) FROM (SELECT *, arrayJoin(range(1, ${DAYS})) AS d FROM ${table} WHERE ${timeCol} >= fromUnixTimestamp64Milli(${FROM - 3_600_000}, 'UTC'))`,
    );
  }
  for (const table of ['sensor_readings', 'features', 'inferences', 'alerts']) {
    await ch.command(`OPTIMIZE TABLE ${table} FINAL`);
  }
}

/**
 * What EXPLAIN indexes=1 says each MergeTree read kept: `table: PrimaryKey(keys) granules a/b; Partition parts c/d`
 * (the Min-Max index is left out: it repeats the partition pruning).
 */
function indexSummary(raw: string[]): string {
  const lines = raw.map((l) => l.replace(/^[\s│└├─]+/, '').trim());
  const out: string[] = [];
  let table = '';
  let index = '';
  let keys: string[] = [];
  let collecting = false;
  let parts = '';
  for (const line of lines) {
    const read = /^ReadFromMergeTree \((?:[^.()]+\.)?([^)]+)\)/.exec(line);
    if (read) table = read[1] ?? '';
    if (['Min-Max', 'MinMax', 'Partition', 'PrimaryKey', 'Skip'].includes(line)) {
      index = line;
      keys = [];
      continue;
    }
    if (line === 'Keys:') {
      collecting = true;
      continue;
    }
    if (collecting && !line.includes(':')) {
      keys.push(line);
      continue;
    }
    collecting = false;
    const p = /^Parts: (\d+\/\d+)$/.exec(line);
    if (p) parts = p[1] ?? '';
    const g = /^Granules: (\d+\/\d+)$/.exec(line);
    if (g && index === 'PrimaryKey')
      out.push(`${table}: PrimaryKey(${keys.join(', ')}) granules ${g[1]}, parts ${parts}`);
    if (g && index === 'Partition') out.push(`${table}: partitions kept parts ${parts}`);
  }
  return out.join('; ') || 'no MergeTree index step (system table or table function)';
}

async function timeMs(ch: ClickHouse, q: Audited): Promise<{ median: number; rows: number }> {
  const times: number[] = [];
  let rows = 0;
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    rows = (await ch.query(q.sql, q.params as never, { maxRows: 1_000_000 })).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  return { median: times[2] ?? Number.NaN, rows };
}

async function main(): Promise<void> {
  const test = await openTestClickHouse();
  const ch = test.ch;
  try {
    const fillStarted = performance.now();
    await fillMonitoringData(ch, { now: NOW, minutes: 180, assets: 4, orders: true });
    await multiply(ch);
    const fillSeconds = (performance.now() - fillStarted) / 1000;
    const counts = await ch.query<{ table: string; n: string; size: string }>(
      `SELECT table, toString(sum(rows)) AS n, formatReadableSize(sum(bytes_on_disk)) AS size FROM system.parts
       WHERE database = currentDatabase() AND active GROUP BY table ORDER BY sum(rows) DESC`,
    );
    const queries = [...dashboardQueries(), ...(await apiQueries(ch))];
    process.stdout.write(
      `## Volume\n\n${ASSET_COPIES + 1} x 4 assets, ${DAYS} days of 3 h windows; filled in ${fillSeconds.toFixed(0)} s (chDB ${
        (await ch.query<{ v: string }>('SELECT version() AS v'))[0]?.v
      }, ${new Date(NOW).toISOString()}).\n\n| table | rows | on disk |\n|---|---:|---:|\n${counts
        .filter((c) => Number(c.n) > 0)
        .map((c) => `| ${c.table} | ${c.n} | ${c.size} |`)
        .join(
          '\n',
        )}\n\n## Queries\n\n| query | median ms (5 runs) | rows | what EXPLAIN indexes = 1 kept |\n|---|---:|---:|---|\n`,
    );
    for (const q of queries) {
      try {
        const explain = await ch.query<{ explain: string }>(`EXPLAIN indexes = 1 ${q.sql}`, q.params as never, {
          maxRows: 100_000,
        });
        const { median, rows } = await timeMs(ch, q);
        process.stdout.write(
          `| ${q.where} | ${median.toFixed(1)} | ${rows} | ${indexSummary(explain.map((r) => r.explain))} |\n`,
        );
      } catch (error) {
        process.stdout.write(`| ${q.where} | failed | | ${(error as Error).message.split('\n')[0]?.slice(0, 160)} |\n`);
      }
    }
  } finally {
    await test.close();
  }
}

await main();
