/**
 * The pure half of migrations: which files are migrations, in what order, their checksums, and what is left to
 * apply given what `schema_migrations` says was applied. No I/O: the runner reads files and talks to ClickHouse.
 */
import { sha256Hex } from '../../../core/sha256.js';
import { clickhouseError } from '../errors.js';
import { splitStatements } from './split.js';

/** A file as read from the migrations directory. */
export interface MigrationSource {
  readonly fileName: string;
  readonly sql: string;
}

export interface Migration {
  readonly version: number;
  readonly fileName: string;
  /** sha256 (hex) of the file's UTF-8 text. */
  readonly checksum: string;
  readonly statements: readonly string[];
}

/** A row of `schema_migrations`. */
export interface AppliedMigration {
  readonly version: number;
  readonly name: string;
  readonly checksum: string;
  readonly appliedAt: string;
}

export interface PlanEntry {
  readonly version: number;
  readonly fileName: string;
  readonly state: 'applied' | 'pending';
  readonly appliedAt?: string;
}

export interface MigrationPlan {
  /** Every migration in order, with its state. */
  readonly entries: readonly PlanEntry[];
  /** What remains to apply, in order. */
  readonly pending: readonly Migration[];
}

const FILE_NAME = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export function checksumOf(sql: string): string {
  return sha256Hex(sql);
}

/**
 * Turns the `.sql` files of the directory into ordered migrations (other files, such as README.md, are ignored).
 * A `.sql` file with a bad name, two files with one number, or a file without statements are refused.
 */
export function parseMigrations(sources: readonly MigrationSource[]): Migration[] {
  const byVersion = new Map<number, Migration>();
  for (const { fileName, sql } of sources) {
    if (!fileName.endsWith('.sql')) continue;
    const match = FILE_NAME.exec(fileName);
    if (!match) throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATION_BAD_NAME', { file: fileName });
    const version = Number(match[1]);
    const existing = byVersion.get(version);
    if (existing) {
      const [first, second] = [existing.fileName, fileName].sort();
      throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATION_DUPLICATE', { first, second, version: match[1] });
    }
    const statements = splitStatements(sql);
    if (statements.length === 0) throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATION_EMPTY', { file: fileName });
    byVersion.set(version, { version, fileName, checksum: checksumOf(sql), statements });
  }
  return [...byVersion.values()].sort((a, b) => a.version - b.version);
}

/**
 * Compares the files with the applied records. An applied migration whose file changed or vanished is refused:
 * the database no longer matches what the repository says it is, and re-running or skipping would hide that.
 * A pending migration numbered below an applied one (a merged branch) is applied: each file stands alone.
 */
export function planMigrations(
  migrations: readonly Migration[],
  applied: readonly AppliedMigration[],
  where: { readonly database: string; readonly dir: string },
): MigrationPlan {
  const files = new Map(migrations.map((m) => [m.version, m]));
  for (const record of applied) {
    const file = files.get(record.version);
    if (!file) {
      throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATION_MISSING', {
        file: record.name,
        applied: record.checksum,
        database: where.database,
        dir: where.dir,
      });
    }
    if (file.checksum !== record.checksum) {
      throw clickhouseError('VIGIL_CLICKHOUSE_MIGRATION_CHANGED', {
        file: file.fileName,
        applied: record.checksum,
        current: file.checksum,
      });
    }
  }
  const appliedByVersion = new Map(applied.map((a) => [a.version, a]));
  const entries: PlanEntry[] = migrations.map((m) => {
    const record = appliedByVersion.get(m.version);
    return record
      ? { version: m.version, fileName: m.fileName, state: 'applied', appliedAt: record.appliedAt }
      : { version: m.version, fileName: m.fileName, state: 'pending' };
  });
  return { entries, pending: migrations.filter((m) => !appliedByVersion.has(m.version)) };
}
