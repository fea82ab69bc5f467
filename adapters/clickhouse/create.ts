/**
 * `createClickHouse`: the one place that decides which ClickHouse answers. CLICKHOUSE_URL set: a server over HTTP.
 * Unset: the embedded chDB engine with its data in `<VIGIL_DATA_DIR>/chdb`, owned by this process alone.
 * Callers get the same `ClickHouse` interface either way.
 */
import type { Config } from '../../core/config/index.js';
import type { Logger } from '../logger.js';
import type { Registry } from '../metrics.js';
import { wrapClient } from './client.js';
import { IDENTIFIER } from './encoded-rows.js';
import { clickhouseError } from './errors.js';
import { assertMigrated } from './migrations/runner.js';
import { chdbDataDir, openChdb } from './open-chdb.js';
import { openServer, redactedUrl } from './open-server.js';
import type { ClickHouse } from './types.js';

export interface CreateClickHouseOptions {
  /** Create the database when absent (migrations do; the other roles expect it to exist). Default false. */
  readonly createDatabase?: boolean;
  /** Overrides CLICKHOUSE_DATABASE (tests use a unique database each). */
  readonly database?: string;
  /** Registry for `vigil_clickhouse_*` metrics. */
  readonly metrics?: Registry;
}

export async function createClickHouse(
  config: Pick<Config, 'clickhouse' | 'general'>,
  logger: Logger,
  options: CreateClickHouseOptions = {},
): Promise<ClickHouse> {
  const log = logger.child({ component: 'clickhouse' });
  const database = options.database ?? config.clickhouse.database;
  if (!IDENTIFIER.test(database))
    throw clickhouseError('VIGIL_CLICKHOUSE_BAD_IDENTIFIER', { kind: 'database', name: database });
  const createDatabase = options.createDatabase ?? false;
  const { url } = config.clickhouse;
  if (url !== undefined) {
    const client = await openServer({
      url,
      username: config.clickhouse.username,
      password: config.clickhouse.password,
      database,
      createDatabase,
    });
    const target = redactedUrl(url);
    log.info({ backend: 'server', target, database }, 'clickhouse connected');
    return wrapClient(client, { database, target, logger: log, metrics: options.metrics });
  }
  const dir = chdbDataDir(config.general.dataDir);
  const { client, insertBytes, release } = await openChdb(dir, database, createDatabase);
  log.info({ backend: 'chdb', dir, database }, 'clickhouse opened');
  return wrapClient(client, {
    database,
    target: `chdb:${dir}`,
    logger: log,
    metrics: options.metrics,
    insertBytes,
    onClose: release,
  });
}

/**
 * `createClickHouse` for a long-running role that writes (the processor, the API): refuses to start, closing what
 * it opened, while a migration is pending (VIGIL_CLICKHOUSE_MIGRATIONS_PENDING says which and what to run).
 */
export async function createMigratedClickHouse(
  config: Pick<Config, 'clickhouse' | 'general'>,
  logger: Logger,
  options: CreateClickHouseOptions = {},
): Promise<ClickHouse> {
  const ch = await createClickHouse(config, logger, options);
  try {
    await assertMigrated(ch);
    return ch;
  } catch (error) {
    await ch.close();
    throw error;
  }
}
