/**
 * Applies the numbered SQL files of clickhouse/ in order and records each in `schema_migrations` with its
 * checksum, only after all its statements succeeded. Statements run one at a time (a server takes one per
 * request), so a failure names the file and statement; migrations are written to be safe to re-run
 * (IF NOT EXISTS), which is what makes "nothing recorded, run again" a complete recovery.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { fileURLToPath } from 'node:url';
import { isVigilError } from '../../../core/errors.js';
import type { Logger } from '../../logger.js';
import { clickhouseError } from '../errors.js';
import type { ClickHouse } from '../types.js';
import {
  type AppliedMigration,
  type Migration,
  type MigrationPlan,
  type MigrationSource,
  parseMigrations,
  planMigrations,
} from './plan.js';

/** The repository's clickhouse/ folder. */
export const DEFAULT_MIGRATIONS_DIR = fileURLToPath(new URL('../../../clickhouse/', import.meta.url));

const CREATE_MIGRATIONS_TABLE = `
CREATE TABLE IF NOT EXISTS schema_migrations
(
    version     UInt32,
    name        String,
    checksum    String,
    statements  UInt32,
    applied_at  DateTime64(3, 'UTC'),
    applied_by  String
)
ENGINE = ReplacingMergeTree(applied_at)
ORDER BY version
COMMENT 'Applied migrations of clickhouse/ (vigil migrate). A row is written only after every statement of its file succeeded.'`;

export function readMigrationSources(dir: string): MigrationSource[] {
  return readdirSync(dir)
    .filter((fileName) => fileName.endsWith('.sql'))
    .map((fileName) => ({ fileName, sql: readFileSync(`${dir}/${fileName}`, 'utf8') }));
}

/** The migration files of `dir`, parsed and ordered. */
export function localMigrations(dir: string = DEFAULT_MIGRATIONS_DIR): Migration[] {
  return parseMigrations(readMigrationSources(dir));
}

async function appliedMigrations(ch: ClickHouse): Promise<AppliedMigration[]> {
  const exists = await ch.query(
    "SELECT 1 FROM system.tables WHERE database = currentDatabase() AND name = 'schema_migrations'",
  );
  if (exists.length === 0) return [];
  return ch.query<AppliedMigration>(
    `SELECT version, name, checksum, toString(applied_at) AS appliedAt
     FROM schema_migrations FINAL ORDER BY version`,
    {},
    { maxRows: 100_000 },
  );
}

/** The plan without applying anything (`vigil migrate --status`). Refuses edited or missing migrations. */
export async function migrationStatus(ch: ClickHouse, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<MigrationPlan> {
  return planMigrations(localMigrations(dir), await appliedMigrations(ch), { database: ch.database, dir });
}

/**
 * Refuses to go on while a migration is pending: a role that writes (the processor, the API) would otherwise fail
 * on its first insert of a column a pending migration adds, long after it started and far from the cause.
 */
export async function assertMigrated(ch: ClickHouse, dir: string = DEFAULT_MIGRATIONS_DIR): Promise<void> {
  const { pending } = await migrationStatus(ch, dir);
  if (pending.length === 0) return;
  throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATIONS_PENDING', {
    count: pending.length,
    database: ch.database,
    files: pending.map((m) => m.fileName).join(', '),
  });
}

async function applyOne(ch: ClickHouse, migration: Migration): Promise<void> {
  const total = migration.statements.length;
  for (const [index, statement] of migration.statements.entries()) {
    try {
      await ch.command(statement);
    } catch (error) {
      const reason = isVigilError(error) ? error.message : String(error);
      throw clickhouseError(
        'VIGIL_CLICKHOUSE_MIGRATION_FAILED',
        { file: migration.fileName, statement: index + 1, total, reason },
        error,
      );
    }
  }
  await ch.insertRows('schema_migrations', [
    {
      version: migration.version,
      name: migration.fileName,
      checksum: migration.checksum,
      statements: total,
      applied_at: Date.now(),
      applied_by: `${safeUser()}@${hostname()}`,
    },
  ]);
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown'; // containers without a passwd entry for the uid
  }
}

export interface MigrationResult {
  /** File names applied by this run, in order. */
  readonly applied: readonly string[];
  /** Migrations already applied before this run. */
  readonly alreadyApplied: number;
}

/** Applies what is pending, in order; stops at the first failing statement (see VIGIL_CLICKHOUSE_MIGRATION_FAILED). */
export async function applyMigrations(
  ch: ClickHouse,
  logger: Logger,
  dir: string = DEFAULT_MIGRATIONS_DIR,
): Promise<MigrationResult> {
  const log = logger.child({ component: 'migrations' });
  await ch.command(CREATE_MIGRATIONS_TABLE);
  const plan = await migrationStatus(ch, dir);
  const applied: string[] = [];
  for (const migration of plan.pending) {
    await applyOne(ch, migration);
    log.info({ file: migration.fileName, statements: migration.statements.length }, 'migration applied');
    applied.push(migration.fileName);
  }
  return { applied, alreadyApplied: plan.entries.length - plan.pending.length };
}
