/**
 * The storage interface against the real engine (chDB in a temp dir for this file, or CLICKHOUSE_TEST_URL):
 * parameter binding with hostile strings, the chDB settings trap, result limits, types that must not depend on
 * the backend.
 */
import { rmSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { chdbDataDir, MERGE_NICE } from '../../adapters/clickhouse/open-chdb.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { openTestClickHouse, serverUrl, silentLogger, type TestClickHouse } from '../helpers/clickhouse.js';
import { countTurns } from '../helpers/turns.js';

let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse({ migrate: false });
});

afterAll(async () => {
  await db?.close();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

const HOSTILE = [
  "'; DROP TABLE hostile; --",
  "O'Brien \\' \\\\ \\n",
  'line1\nline2\ttab\r\n',
  '{name:String} and {{braces}}',
  '`backtick` "double" \u0000 nul',
  'ünïcödé ✓ 🚨 \u2028',
  '',
];

describe('parameterised queries', () => {
  it('stores and finds hostile strings through {name:Type} placeholders, and runs none of them', async () => {
    await db.ch.command('CREATE TABLE hostile (id UInt32, text String) ENGINE = MergeTree ORDER BY id');
    await db.ch.insertRows(
      'hostile',
      HOSTILE.map((text, id) => ({ id, text })),
    );
    for (const [id, text] of HOSTILE.entries()) {
      const rows = await db.ch.query<{ id: number }>('SELECT id FROM hostile WHERE text = {text:String}', { text });
      expect(rows, JSON.stringify(text)).toEqual([{ id }]);
    }
    const echoed = await db.ch.query<{ a: string[] }>('SELECT {a:Array(String)} AS a', { a: HOSTILE });
    expect(echoed[0]?.a).toEqual(HOSTILE);
    const count = await db.ch.query<{ n: string }>('SELECT count() AS n FROM hostile');
    expect(count).toEqual([{ n: String(HOSTILE.length) }]);
  });

  it('refuses identifiers that are not plain names instead of splicing them into SQL', async () => {
    const error = await rejection(db.ch.insertRows('hostile; DROP TABLE hostile', [{ id: 1 }]));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_BAD_IDENTIFIER')).toBe(true);
    const column = await rejection(db.ch.insertRows('hostile', [{ 'id) SELECT 1 --': 1 }]));
    expect(isVigilError(column, 'VIGIL_CLICKHOUSE_BAD_IDENTIFIER')).toBe(true);
  });
});

describe('the settings trap', () => {
  const dedupTable = `CREATE TABLE IF NOT EXISTS dedup_window (id UInt32) ENGINE = MergeTree ORDER BY id
    SETTINGS non_replicated_deduplication_window = 1000`;

  it.skipIf(serverUrl !== undefined)(
    'is real on a raw chDB connection: a token set with one insert silently drops the next insert',
    async () => {
      // The canary: proves the hazard the interface is designed around still exists in this engine version.
      if (db.dataDir === undefined) throw new Error('chDB expected');
      const raw = createClient({
        connection: createChdbConnection({ path: chdbDataDir(db.dataDir) }) as never,
      });
      try {
        await raw.command({ query: `CREATE DATABASE IF NOT EXISTS canary_${process.pid}` });
        await raw.command({ query: dedupTable.replace('dedup_window', `canary_${process.pid}.dedup_window`) });
        const table = `canary_${process.pid}.dedup_window`;
        await raw.insert({
          table,
          values: [{ id: 1 }],
          format: 'JSONEachRow',
          clickhouse_settings: { insert_deduplication_token: 'batch-1' },
        });
        await raw.insert({ table, values: [{ id: 2 }], format: 'JSONEachRow' });
        const rs = await raw.query({ query: `SELECT id FROM ${table} ORDER BY id`, format: 'JSONEachRow' });
        expect(await rs.json()).toEqual([{ id: 1 }]); // id 2 was lost: the token leaked into the second insert
        await raw.command({ query: `DROP DATABASE canary_${process.pid}` });
      } finally {
        await raw.close();
      }
    },
  );

  it('cannot drop data through the interface: a query-scoped SETTINGS clause does not leak into later inserts', async () => {
    await db.ch.command(dedupTable);
    // The sanctioned way to give a setting: in the statement itself.
    await db.ch.command("INSERT INTO dedup_window SETTINGS insert_deduplication_token = 'batch-1' VALUES (1)");
    for (let id = 2; id <= 5; id++) await db.ch.insertRows('dedup_window', [{ id }]);
    const rows = await db.ch.query<{ id: number }>('SELECT id FROM dedup_window ORDER BY id');
    expect(rows.map((r) => r.id)).toEqual([1, 2, 3, 4, 5]);
    const token = await db.ch.query<{ value: string }>(
      "SELECT value FROM system.settings WHERE name = 'insert_deduplication_token'",
    );
    expect(token).toEqual([{ value: '' }]);
  });

  it('refuses SET and USE statements, which would persist on the embedded session', async () => {
    for (const sql of ["SET insert_deduplication_token = 'x'", '-- sneaky\n  use system']) {
      const error = await rejection(db.ch.command(sql));
      expect(isVigilError(error, 'VIGIL_CLICKHOUSE_SESSION_STATEMENT'), sql).toBe(true);
    }
    const token = await db.ch.query<{ value: string }>(
      "SELECT value FROM system.settings WHERE name = 'insert_deduplication_token'",
    );
    expect(token).toEqual([{ value: '' }]);
    expect(await db.ch.query('SELECT currentDatabase() AS d')).toEqual([{ d: db.database }]);
  });

  it('offers no per-call settings on insertRows, query or command', () => {
    // Compile-time guard (npm run typecheck): adding a settings parameter makes these directives fail.
    // @ts-expect-error insertRows takes (table, rows) only
    const insertWithSettings = () => db.ch.insertRows('t', [], { insert_deduplication_token: 'x' });
    // @ts-expect-error command takes (sql, params) only
    const commandWithSettings = () => db.ch.command('SELECT 1', {}, { insert_deduplication_token: 'x' });
    expect(db.ch.insertRows.length).toBeLessThanOrEqual(2);
    expect(typeof insertWithSettings).toBe('function');
    expect(typeof commandWithSettings).toBe('function');
  });
});

describe('results', () => {
  it('refuses to return more rows than maxRows, and returns them within the bound', async () => {
    const error = await rejection(db.ch.query('SELECT number FROM system.numbers LIMIT 11', {}, { maxRows: 10 }));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_RESULT_TOO_LARGE')).toBe(true);
    expect((error as Error).message).toContain('LIMIT');
    expect(await db.ch.query('SELECT number FROM system.numbers LIMIT 10', {}, { maxRows: 10 })).toHaveLength(10);
  });

  it('returns 64-bit integers as exact strings and takes DateTime64 as epoch milliseconds, on either backend', async () => {
    const rows = await db.ch.query<{ big: string; ms: string }>(
      "SELECT toInt64('9007199254740993') AS big, toUnixTimestamp64Milli(toDateTime64({t:Int64} / 1000, 3, 'UTC')) AS ms",
      { t: 1_700_000_000_123 },
    );
    expect(rows).toEqual([{ big: '9007199254740993', ms: '1700000000123' }]);
    await db.ch.command("CREATE TABLE times (t DateTime64(3, 'UTC')) ENGINE = MergeTree ORDER BY t");
    await db.ch.insertRows('times', [{ t: 1_700_000_000_123 }]);
    expect(await db.ch.query('SELECT toUnixTimestamp64Milli(t) AS ms, toString(t) AS text FROM times')).toEqual([
      { ms: '1700000000123', text: '2023-11-14 22:13:20.123' },
    ]);
  });

  it('writes a large insert (encoded by turns of the event loop) whole, in order, once', async () => {
    await db.ch.command(
      'CREATE TABLE sliced (n UInt32, label String, vector Array(Float64)) ENGINE = MergeTree ORDER BY n',
    );
    const rows = Array.from({ length: 1_000 }, (_, n) => ({
      n,
      label: HOSTILE[n % HOSTILE.length]!,
      vector: [n, n / 3],
    }));
    // Counts turns of the event loop; each row's label records the count when the client encodes it (toJSON).
    const turns = countTurns();
    const encodedAt: number[] = [];
    const observed = rows.map((r) => ({
      ...r,
      label: {
        toJSON: () => {
          encodedAt.push(turns.count);
          return r.label;
        },
      },
    }));
    try {
      expect(await db.ch.insertRows('sliced', observed)).toBe(1_000);
    } finally {
      turns.stop();
    }
    const stored = await db.ch.query<{ n: number; label: string; vector: number[] }>(
      'SELECT n, label, vector FROM sliced ORDER BY n',
      {},
      { maxRows: 2_000 },
    );
    expect(stored).toEqual(rows);
    // One synchronous encode would see a single turn; by turns of 64 rows, 1 000 rows see ~16.
    expect(new Set(encodedAt).size).toBeGreaterThan(10);
  });

  it('inserts rows that name different columns: each column named by any row, defaults for the rest', async () => {
    await db.ch.command(
      "CREATE TABLE mixed (n UInt32, label String DEFAULT 'none', vector Array(Float64)) ENGINE = MergeTree ORDER BY n",
    );
    const rows = [
      { n: 1, label: HOSTILE[0]!, vector: [1.5, -0] },
      { n: 2, vector: [Number.MAX_VALUE] },
      { n: 3, label: HOSTILE[5]! },
    ];
    expect(await db.ch.insertRows('mixed', rows)).toBe(3);
    const stored = await db.ch.query('SELECT n, label, vector FROM mixed ORDER BY n');
    expect(stored).toEqual([
      { n: 1, label: HOSTILE[0], vector: [1.5, 0] },
      { n: 2, label: 'none', vector: [Number.MAX_VALUE] },
      { n: 3, label: HOSTILE[5], vector: [] },
    ]);
  });

  it('reports a ClickHouse error as a typed, non-retriable error with the ClickHouse type', async () => {
    const error = await rejection(db.ch.query('SELECT no_such_column FROM system.one'));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_QUERY_FAILED')).toBe(true);
    expect((error as Error).message).toContain('UNKNOWN_IDENTIFIER');
    expect(isVigilError(error) && error.retriable).toBe(false);
    // Inserts take another way into the embedded engine (its raw insert): their errors carry the type as well.
    const insert = await rejection(db.ch.insertRows('no_such_table', [{ n: 1 }]));
    expect(isVigilError(insert, 'VIGIL_CLICKHOUSE_QUERY_FAILED')).toBe(true);
    expect((insert as Error).message).toContain('UNKNOWN_TABLE');
  });
});

describe('opening', () => {
  it.skipIf(serverUrl !== undefined)(
    'refuses a second data directory in the same process with a clear error',
    async () => {
      const otherDir = `${db.dataDir}-other`;
      const other = configWith({ VIGIL_DATA_DIR: otherDir, CLICKHOUSE_DATABASE: db.database });
      const error = await rejection(createClickHouse(other, silentLogger));
      rmSync(otherDir, { recursive: true, force: true });
      expect(isVigilError(error, 'VIGIL_CLICKHOUSE_ENGINE_BUSY')).toBe(true);
      expect(await db.ch.query('SELECT 1 AS one')).toEqual([{ one: 1 }]); // the open engine is unharmed
    },
  );

  it.skipIf(serverUrl !== undefined)(
    'starts the engine with its merges at MERGE_NICE (the setting it reports; the threads are not sampled)',
    async () => {
      const [merges] = await db.ch.query<{ value: string }>(
        "SELECT value FROM system.server_settings WHERE name = 'os_threads_nice_value_merge_mutate'",
      );
      expect(Number(merges?.value)).toBe(MERGE_NICE);
    },
  );

  it('says to run `vigil migrate` when the database does not exist', async () => {
    const error = await rejection(
      createClickHouse(configWith({ ...db.env, CLICKHOUSE_DATABASE: `missing_${process.pid}` }), silentLogger),
    );
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_NO_DATABASE')).toBe(true);
    expect((error as Error).message).toContain('vigil migrate');
  });

  it('counts inserted rows and call durations in the registry it is given', async () => {
    const registry = createMetricsRegistry();
    const metered = await createClickHouse(configWith(db.env), silentLogger, { metrics: registry });
    try {
      await metered.command('CREATE TABLE IF NOT EXISTS metered (x UInt8) ENGINE = MergeTree ORDER BY x');
      await metered.insertRows('metered', [{ x: 1 }, { x: 2 }, { x: 3 }]);
    } finally {
      await metered.close();
    }
    const text = await registry.metrics();
    expect(text).toContain('vigil_clickhouse_inserted_rows_total{table="metered"} 3');
    expect(text).toMatch(/vigil_clickhouse_call_duration_seconds_count\{operation="insert"\} 1/);
  });

  it('refuses calls after close()', async () => {
    const second = await createClickHouse(configWith(db.env), silentLogger);
    await second.close();
    const error = await rejection(second.query('SELECT 1'));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_CLOSED')).toBe(true);
    expect(await db.ch.query('SELECT 1 AS one')).toEqual([{ one: 1 }]); // same directory, other session: still open
  });
});
