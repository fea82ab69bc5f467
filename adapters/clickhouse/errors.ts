/** Errors of the ClickHouse adapter (both backends) and of its migrations. Documented in docs/errors.md. */
import { errorCatalogue } from '../../core/errors.js';

export const clickhouseError = errorCatalogue({
  VIGIL_CLICKHOUSE_DATA_DIR_LOCKED: {
    message:
      'another Vigil process (pid {pid}) owns the embedded ClickHouse data directory {dir}; stop it, or give this process its own directory with VIGIL_DATA_DIR, or share a ClickHouse server with CLICKHOUSE_URL',
    status: 503,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_ENGINE_BUSY: {
    message:
      'the embedded ClickHouse engine of this process is already open on another data directory ({detail}); one process holds one data directory: pass the open client around instead of opening a second one',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_OPEN_FAILED: {
    message: 'could not open the embedded ClickHouse engine at {dir}: {reason}',
    status: 503,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_UNAVAILABLE: {
    message: 'ClickHouse at {target} is unavailable ({operation}): {reason}',
    status: 503,
    retriable: true,
  },
  VIGIL_CLICKHOUSE_DISK_FULL: {
    message:
      'ClickHouse at {target} has no space left for {operation} ({reason}); free space on its data volume: callers pause and retry until then',
    status: 503,
    retriable: true,
  },
  VIGIL_CLICKHOUSE_NO_DATABASE: {
    message: 'database {database} does not exist on {target}; run `vigil migrate` first',
    status: 503,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_QUERY_FAILED: {
    message: 'ClickHouse {operation} failed ({type}): {reason}',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_SESSION_STATEMENT: {
    message:
      '`{statement}` statements are refused: on the embedded engine they persist on the shared session and change every later call (a leaked insert_deduplication_token silently drops inserts); put a SETTINGS clause in the query itself',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_BAD_IDENTIFIER: {
    message: '{kind} name "{name}" must be a plain identifier (letters, digits, underscore, not starting with a digit)',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_RESULT_TOO_LARGE: {
    message:
      'query returned more than {maxRows} rows; results are buffered whole, so add a LIMIT and page with a key (WHERE (event_time, event_id) > (last seen) ORDER BY ... LIMIT n) or raise maxRows deliberately',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_CLOSED: {
    message: 'the ClickHouse client was used after close()',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_BAD_NAME: {
    message: 'migration file {file} must be named NNNN_lowercase_name.sql (e.g. 0007_api_keys.sql)',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_DUPLICATE: {
    message: 'migrations {first} and {second} share number {version}; renumber one of them',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_CHANGED: {
    message:
      'migration {file} was edited after it was applied (applied checksum {applied}, file checksum {current}); restore the file and put the change in a new migration',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_MISSING: {
    message:
      'migration {file} (checksum {applied}) is recorded as applied in {database}.schema_migrations but no longer exists in {dir}; restore it (never delete an applied migration)',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_EMPTY: {
    message: 'migration {file} contains no SQL statement',
    status: 500,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATIONS_PENDING: {
    message:
      '{count} migration(s) not applied to {database}: {files}; run `vigil migrate` first (the stream and the API write the columns they add)',
    status: 503,
    retriable: false,
  },
  VIGIL_CLICKHOUSE_MIGRATION_FAILED: {
    message:
      'migration {file} failed at statement {statement} of {total}: {reason}. Nothing was recorded for {file}; fix it and run `vigil migrate` again (its statements must be safe to re-run)',
    status: 500,
    retriable: false,
  },
});
