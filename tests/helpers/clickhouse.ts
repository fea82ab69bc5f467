/**
 * A real ClickHouse for one integration test file. By default the embedded chDB engine in a temp data directory
 * shared by every call in this process (chDB binds one directory per process, and vitest runs each file in its
 * own worker, so: one directory per test file); with CLICKHOUSE_TEST_URL set, that server instead. Every call gets
 * a unique database with all migrations applied (unless `migrate: false`), dropped again by `close()`; the temp
 * directory goes with the last close.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';

export interface TestClickHouse {
  readonly ch: ClickHouse;
  readonly database: string;
  /** The VIGIL_DATA_DIR of the embedded engine (its data is in `<dataDir>/chdb`); undefined against a server. */
  readonly dataDir: string | undefined;
  /** The environment that makes `vigil` (or a child process) use this same database. */
  readonly env: Readonly<Record<string, string>>;
  close(): Promise<void>;
}

export interface OpenTestClickHouseOptions {
  /** Apply the migrations of this directory (default: the repository's clickhouse/). */
  readonly migrationsDir?: string;
  /** false: leave the database empty. */
  readonly migrate?: boolean;
}

/** The server to test against instead of chDB (CI sets it when a server is available). */
export const serverUrl = process.env.CLICKHOUSE_TEST_URL || undefined;

let shared: { dir: string; users: number } | undefined;
let counter = 0;

export const silentLogger = createLogger('silent');

export async function openTestClickHouse(options: OpenTestClickHouseOptions = {}): Promise<TestClickHouse> {
  counter += 1;
  const database = `vigil_test_${process.pid}_${counter}_${Math.random().toString(36).slice(2, 8)}`;
  let dataDir: string | undefined;
  if (serverUrl === undefined) {
    shared ??= { dir: mkdtempSync(join(tmpdir(), 'vigil-chdb-test-')), users: 0 };
    dataDir = shared.dir;
  }
  const env: Record<string, string> = { CLICKHOUSE_DATABASE: database, LOG_LEVEL: 'silent' };
  if (dataDir !== undefined) env.VIGIL_DATA_DIR = dataDir;
  if (serverUrl !== undefined) env.CLICKHOUSE_URL = serverUrl;
  const ch = await createClickHouse(configWith(env), silentLogger, { createDatabase: true });
  if (shared) shared.users += 1;
  try {
    if (options.migrate !== false) await applyMigrations(ch, silentLogger, options.migrationsDir);
  } catch (error) {
    await release(ch, database);
    throw error;
  }
  return { ch, database, dataDir, env, close: () => release(ch, database) };
}

async function release(ch: ClickHouse, database: string): Promise<void> {
  try {
    await ch.command(`DROP DATABASE IF EXISTS \`${database}\``);
  } catch (error) {
    // A test that closed the client itself (to release the engine) leaves the drop to the directory removal.
    if (!isVigilError(error, 'VIGIL_CLICKHOUSE_CLOSED') || shared === undefined) throw error;
  } finally {
    await ch.close();
    if (shared) {
      shared.users -= 1;
      if (shared.users === 0) {
        rmSync(shared.dir, { recursive: true, force: true });
        shared = undefined;
      }
    }
  }
}
