import { describe, expect, it } from 'vitest';
import {
  type AppliedMigration,
  checksumOf,
  parseMigrations,
  planMigrations,
} from '../../adapters/clickhouse/migrations/plan.js';
import { splitStatements, stripLeadingComments } from '../../adapters/clickhouse/migrations/split.js';
import { isVigilError, type VigilError } from '../../core/errors.js';

function thrown(fn: () => unknown): VigilError {
  try {
    fn();
  } catch (error) {
    if (isVigilError(error)) return error;
    throw error;
  }
  throw new Error('expected a VigilError, nothing was thrown');
}

const WHERE = { database: 'vigil', dir: '/repo/clickhouse' };

describe('splitStatements', () => {
  it('splits on semicolons and drops empty and comment-only chunks', () => {
    const sql =
      '-- header\nCREATE TABLE a (x UInt8) ENGINE = Memory;\n\n;\nCREATE TABLE b (y UInt8) ENGINE = Memory;\n-- the end\n';
    expect(splitStatements(sql)).toEqual([
      '-- header\nCREATE TABLE a (x UInt8) ENGINE = Memory',
      'CREATE TABLE b (y UInt8) ENGINE = Memory',
    ]);
  });

  it('keeps a last statement without a terminating semicolon', () => {
    expect(splitStatements('SELECT 1; SELECT 2')).toEqual(['SELECT 1', 'SELECT 2']);
  });

  it('does not split inside string literals, quoted identifiers or comments', () => {
    const sql = [
      "CREATE TABLE t (a String DEFAULT 'x;y', `b;c` UInt8, \"d;e\" UInt8) ENGINE = Memory COMMENT 'it''s; fine';",
      "SELECT 'back\\'slash;' -- a comment; still the same statement\n, 2 /* block; comment */;",
    ].join('\n');
    const statements = splitStatements(sql);
    expect(statements).toHaveLength(2);
    expect(statements[0]).toContain("COMMENT 'it''s; fine'");
    expect(statements[1]).toContain('/* block; comment */');
  });

  it('returns nothing for a file of comments only', () => {
    expect(splitStatements('-- nothing here;\n/* nor; here */\n')).toEqual([]);
  });

  it('strips leading comments to find the first keyword', () => {
    expect(stripLeadingComments('-- why\n/* more */\n  SET x = 1')).toBe('SET x = 1');
  });
});

describe('parseMigrations', () => {
  it('orders by number, not by the order the directory listed them, and ignores non-SQL files', () => {
    const migrations = parseMigrations([
      { fileName: '0010_ten.sql', sql: 'SELECT 10' },
      { fileName: 'README.md', sql: '# not a migration' },
      { fileName: '0002_two.sql', sql: 'SELECT 2' },
      { fileName: '0009_nine.sql', sql: 'SELECT 9' },
    ]);
    expect(migrations.map((m) => m.fileName)).toEqual(['0002_two.sql', '0009_nine.sql', '0010_ten.sql']);
    expect(migrations.map((m) => m.version)).toEqual([2, 9, 10]);
  });

  it('refuses a badly named SQL file', () => {
    const error = thrown(() => parseMigrations([{ fileName: '3_tables.sql', sql: 'SELECT 1' }]));
    expect(error.code).toBe('VIGIL_CLICKHOUSE_MIGRATION_BAD_NAME');
    expect(error.message).toContain('3_tables.sql');
  });

  it('refuses two files with one number', () => {
    const error = thrown(() =>
      parseMigrations([
        { fileName: '0003_b.sql', sql: 'SELECT 1' },
        { fileName: '0003_a.sql', sql: 'SELECT 2' },
      ]),
    );
    expect(error.code).toBe('VIGIL_CLICKHOUSE_MIGRATION_DUPLICATE');
    expect(error.message).toContain('0003_a.sql and 0003_b.sql');
  });

  it('refuses a file without statements', () => {
    const error = thrown(() => parseMigrations([{ fileName: '0001_empty.sql', sql: '-- todo\n' }]));
    expect(error.code).toBe('VIGIL_CLICKHOUSE_MIGRATION_EMPTY');
  });

  it('checksums are the sha256 of the text and change with any byte', () => {
    expect(checksumOf('SELECT 1')).toBe('e004ebd5b5532a4b85984a62f8ad48a81aa3460c1ca07701f386135d72cdecf5');
    expect(checksumOf('SELECT 1 ')).not.toBe(checksumOf('SELECT 1'));
    const [migration] = parseMigrations([{ fileName: '0001_a.sql', sql: 'SELECT 1' }]);
    expect(migration?.checksum).toBe(checksumOf('SELECT 1'));
  });
});

describe('planMigrations', () => {
  const migrations = parseMigrations([
    { fileName: '0001_a.sql', sql: 'SELECT 1' },
    { fileName: '0002_b.sql', sql: 'SELECT 2' },
    { fileName: '0003_c.sql', sql: 'SELECT 3' },
  ]);
  const record = (version: number, name: string, sql: string): AppliedMigration => ({
    version,
    name,
    checksum: checksumOf(sql),
    appliedAt: '2026-01-01 00:00:00.000',
  });

  it('lists everything as pending on an empty database', () => {
    const plan = planMigrations(migrations, [], WHERE);
    expect(plan.pending.map((m) => m.fileName)).toEqual(['0001_a.sql', '0002_b.sql', '0003_c.sql']);
    expect(plan.entries.every((e) => e.state === 'pending')).toBe(true);
  });

  it('leaves only the unapplied ones pending, including one numbered below an applied one', () => {
    const plan = planMigrations(
      migrations,
      [record(1, '0001_a.sql', 'SELECT 1'), record(3, '0003_c.sql', 'SELECT 3')],
      WHERE,
    );
    expect(plan.pending.map((m) => m.fileName)).toEqual(['0002_b.sql']);
    expect(plan.entries.map((e) => e.state)).toEqual(['applied', 'pending', 'applied']);
    expect(plan.entries[0]?.appliedAt).toBe('2026-01-01 00:00:00.000');
  });

  it('is up to date when every file is applied', () => {
    const applied = [
      record(1, '0001_a.sql', 'SELECT 1'),
      record(2, '0002_b.sql', 'SELECT 2'),
      record(3, '0003_c.sql', 'SELECT 3'),
    ];
    expect(planMigrations(migrations, applied, WHERE).pending).toEqual([]);
  });

  it('refuses an applied migration whose file was edited, naming the file and both checksums', () => {
    const edited = record(2, '0002_b.sql', 'SELECT 2 -- the original text');
    const error = thrown(() => planMigrations(migrations, [edited], WHERE));
    expect(error.code).toBe('VIGIL_CLICKHOUSE_MIGRATION_CHANGED');
    expect(error.message).toContain('0002_b.sql');
    expect(error.message).toContain(edited.checksum);
    expect(error.message).toContain(checksumOf('SELECT 2'));
  });

  it('refuses an applied migration whose file is gone', () => {
    const error = thrown(() => planMigrations(migrations, [record(4, '0004_gone.sql', 'SELECT 4')], WHERE));
    expect(error.code).toBe('VIGIL_CLICKHOUSE_MIGRATION_MISSING');
    expect(error.message).toContain('0004_gone.sql');
    expect(error.message).toContain('/repo/clickhouse');
  });
});

describe('the repository migrations', () => {
  it('parse, are numbered without gaps, and create tables only if absent (safe to re-run)', async () => {
    const { localMigrations } = await import('../../adapters/clickhouse/migrations/runner.js');
    const migrations = localMigrations();
    expect(migrations.length).toBeGreaterThan(0);
    expect(migrations.map((m) => m.version)).toEqual(migrations.map((_, i) => i + 1));
    for (const migration of migrations) {
      for (const statement of migration.statements) {
        const head = stripLeadingComments(statement);
        if (/^CREATE\s/i.test(head))
          expect(head, migration.fileName).toMatch(/^CREATE\s+(TABLE|VIEW|DATABASE)\s+IF NOT EXISTS\s/i);
      }
    }
  });
});
