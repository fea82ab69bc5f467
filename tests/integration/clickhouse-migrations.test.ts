/**
 * Migrations against the real engine: idempotent, edited files refused, a failing file records nothing and can
 * be re-run once fixed, and `vigil migrate` reports all of it with the right exit codes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, assertMigrated, localMigrations, migrationStatus } from '../../adapters/clickhouse/index.js';
import { isVigilError } from '../../core/errors.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, silentLogger, type TestClickHouse } from '../helpers/clickhouse.js';

let anchor: TestClickHouse; // keeps the engine (and its temp dir) open for the whole file
const opened: TestClickHouse[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  anchor = await openTestClickHouse({ migrate: false });
});
afterEach(async () => {
  for (const db of opened.splice(0)) await db.close();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});
afterAll(async () => {
  await anchor?.close();
});

async function emptyDatabase(): Promise<TestClickHouse> {
  const db = await openTestClickHouse({ migrate: false });
  opened.push(db);
  return db;
}

function migrationsDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-migrations-'));
  dirs.push(dir);
  for (const [name, sql] of Object.entries(files)) writeFileSync(join(dir, name), sql);
  return dir;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

async function tables(db: TestClickHouse): Promise<string[]> {
  const rows = await db.ch.query<{ name: string }>(
    'SELECT name FROM system.tables WHERE database = currentDatabase() ORDER BY name',
  );
  return rows.map((r) => r.name);
}

describe('applyMigrations', () => {
  it('applies every repository migration once; a second run is up to date and changes nothing', async () => {
    const db = await emptyDatabase();
    const first = await applyMigrations(db.ch, silentLogger);
    const files = localMigrations().map((m) => m.fileName);
    expect(first.applied).toEqual(files);
    expect(await tables(db)).toEqual(
      expect.arrayContaining(['sensor_readings', 'orders', 'features', 'inferences', 'alerts', 'alerts_current']),
    );
    expect(await tables(db)).toEqual(
      expect.arrayContaining(['dead_letters', 'fault_ground_truth', 'model_versions', 'model_events', 'api_keys']),
    );
    const second = await applyMigrations(db.ch, silentLogger);
    expect(second).toEqual({ applied: [], alreadyApplied: files.length });
    const records = await db.ch.query<{ n: string }>('SELECT count() AS n FROM schema_migrations');
    expect(records).toEqual([{ n: String(files.length) }]);
  });

  it('refuses an applied migration that was edited, naming the file and both checksums', async () => {
    const db = await emptyDatabase();
    const dir = migrationsDir({
      '0001_t.sql': 'CREATE TABLE IF NOT EXISTS t (x UInt8) ENGINE = MergeTree ORDER BY x;',
    });
    await applyMigrations(db.ch, silentLogger, dir);
    const before = localMigrations(dir)[0]?.checksum;
    writeFileSync(join(dir, '0001_t.sql'), 'CREATE TABLE IF NOT EXISTS t (x UInt16) ENGINE = MergeTree ORDER BY x;');
    const after = localMigrations(dir)[0]?.checksum;
    const error = await rejection(applyMigrations(db.ch, silentLogger, dir));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_MIGRATION_CHANGED')).toBe(true);
    expect((error as Error).message).toContain('0001_t.sql');
    expect((error as Error).message).toContain(String(before));
    expect((error as Error).message).toContain(String(after));
    const column = await db.ch.query<{ type: string }>(
      "SELECT type FROM system.columns WHERE database = currentDatabase() AND table = 't' AND name = 'x'",
    );
    expect(column).toEqual([{ type: 'UInt8' }]);
  });

  it('stops at a failing statement, names file and statement, records nothing for it, and re-runs once fixed', async () => {
    const db = await emptyDatabase();
    const good = 'CREATE TABLE IF NOT EXISTS a (x UInt8) ENGINE = MergeTree ORDER BY x;';
    const broken = [
      'CREATE TABLE IF NOT EXISTS b1 (x UInt8) ENGINE = MergeTree ORDER BY x;',
      'CREATE TABLE IF NOT EXISTS b2 (x NoSuchType) ENGINE = MergeTree ORDER BY x;',
      'CREATE TABLE IF NOT EXISTS b3 (x UInt8) ENGINE = MergeTree ORDER BY x;',
    ].join('\n');
    const dir = migrationsDir({ '0001_a.sql': good, '0002_b.sql': broken });
    const error = await rejection(applyMigrations(db.ch, silentLogger, dir));
    expect(isVigilError(error, 'VIGIL_CLICKHOUSE_MIGRATION_FAILED')).toBe(true);
    expect((error as Error).message).toContain('0002_b.sql failed at statement 2 of 3');
    expect((error as Error).message).toContain('NoSuchType');
    const recorded = await db.ch.query<{ name: string }>('SELECT name FROM schema_migrations FINAL ORDER BY version');
    expect(recorded).toEqual([{ name: '0001_a.sql' }]);
    expect(await tables(db)).toEqual(['a', 'b1', 'schema_migrations']); // b3 never ran

    writeFileSync(join(dir, '0002_b.sql'), broken.replace('NoSuchType', 'UInt8'));
    const rerun = await applyMigrations(db.ch, silentLogger, dir);
    expect(rerun).toEqual({ applied: ['0002_b.sql'], alreadyApplied: 1 });
    expect(await tables(db)).toEqual(['a', 'b1', 'b2', 'b3', 'schema_migrations']);
    const plan = await migrationStatus(db.ch, dir);
    expect(plan.entries.map((e) => e.state)).toEqual(['applied', 'applied']);
  });
});

describe('vigil migrate', () => {
  it('creates the database, applies, then reports up to date; --status lists what is applied', async () => {
    const db = await emptyDatabase();
    const env = { ...db.env, CLICKHOUSE_DATABASE: `${db.database}_cli` };
    const count = localMigrations().length;
    const status = await runCli(['migrate', '--status'], env);
    expect(status.code).toBe(0);
    expect(status.out).toContain(`${count} pending`);
    const first = await runCli(['migrate'], env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toContain('clickhouse: applied 0001_raw_events.sql');
    const second = await runCli(['migrate', '--only', 'clickhouse'], env);
    expect(second.code).toBe(0);
    expect(second.out).toContain(`clickhouse: up to date: ${count} migrations applied`);
    const listed = await runCli(['migrate', '--status'], env);
    expect(listed.out.match(/clickhouse: applied {2}\d{4}_/g)).toHaveLength(count);
    expect(listed.out).toContain('up to date');
    await db.ch.command(`DROP DATABASE \`${env.CLICKHOUSE_DATABASE}\``);
  });

  it('exits 1 naming the file when an applied migration no longer matches the repository', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.ch, silentLogger);
    await db.ch.insertRows('schema_migrations', [
      {
        version: 1,
        name: '0001_raw_events.sql',
        checksum: 'f'.repeat(64),
        statements: 2,
        applied_at: Date.now() + 1000,
      },
    ]);
    const run = await runCli(['migrate'], db.env);
    expect(run.code).toBe(1);
    expect(run.err).toContain('VIGIL_CLICKHOUSE_MIGRATION_CHANGED');
    expect(run.err).toContain('0001_raw_events.sql');
    expect(run.err).toContain('f'.repeat(64));
  });

  it('exits 2 for an unknown step', async () => {
    const run = await runCli(['migrate', '--only', 'nope'], anchor.env);
    expect(run.code).toBe(2);
    expect(run.err).toContain('steps: clickhouse');
  });
});

describe('roles that write', () => {
  it('refuse to start while a migration is pending, naming the files and `vigil migrate`', async () => {
    const db = await emptyDatabase();
    for (const argv of [['process', '--stream', 'sensors'], ['serve']]) {
      const run = await runCli(argv, db.env);
      expect(run.code, argv.join(' ')).toBe(1);
      expect(run.err).toContain('VIGIL_CLICKHOUSE_MIGRATIONS_PENDING');
      expect(run.err).toContain('0018_vector_bytes.sql');
      expect(run.err).toContain('vigil migrate');
    }
    await expect(assertMigrated(db.ch)).rejects.toThrow(/not applied/);
  });

  it('start once every migration is applied', async () => {
    const db = await emptyDatabase();
    await applyMigrations(db.ch, silentLogger);
    await expect(assertMigrated(db.ch)).resolves.toBeUndefined();
  });
});
