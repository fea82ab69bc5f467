/**
 * Opens the embedded chDB engine (ClickHouse in-process) behind `@clickhouse/client`. The engine is a process
 * singleton bound to one data directory, and the directory is locked against other processes; both failures are
 * turned into errors that say what to do. Session defaults are set once here, on purpose: chDB keeps settings on
 * the session, which is exactly why the ClickHouse interface offers no per-call settings.
 */

import { mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ClickHouseClientConfigOptions as ClientConfig, createClient, parseError } from '@clickhouse/client';
import { Session } from 'chdb';
import { createChdbConnection } from 'chdb/connection';
import { isVigilError } from '../../core/errors.js';
import { type InsertBytes, toClickHouseError } from './client.js';
import { clickhouseError } from './errors.js';
import { SESSION_DEFAULTS } from './types.js';

export type ChdbClient = ReturnType<typeof createClient>;

/** The embedded engine: its client, its zero-copy insert of bytes already in the declared format, its release. */
export interface OpenedChdb {
  readonly client: ChdbClient;
  readonly insertBytes: InsertBytes;
  /** Releases the engine's data directory; called once the client is closed. */
  readonly release: () => void;
}

/**
 * The OS nice value of the engine's background merges. The engine shares the process's cores, and its merges would
 * otherwise take them from the thread that scores the stream and answers requests, whose delays users see. A merge
 * can wait; an insert cannot (offsets wait for it), so inserts and queries keep the process's priority. Raising a
 * thread's nice value needs no privilege, and a merge that nothing contends with runs at full speed.
 */
export const MERGE_NICE = 19;

/** The directory under VIGIL_DATA_DIR that holds the embedded engine's data. */
export function chdbDataDir(dataDir: string): string {
  return resolve(dataDir, 'chdb');
}

/** The pid written by the engine that owns `dir` into `<dir>/status` ("PID: 1234"), if readable. */
export function ownerPid(dir: string): string | undefined {
  try {
    return /^PID:\s*(\d+)/m.exec(readFileSync(resolve(dir, 'status'), 'utf8'))?.[1];
  } catch {
    return undefined; // no status file: nobody has it open (or it cannot be read, which the caller reports)
  }
}

interface EngineConnection {
  readonly connection: ReturnType<typeof createChdbConnection>;
  /** The session that started the engine with its server configuration; it holds the data directory open. */
  readonly holder: Session;
}

function openConnection(dir: string): EngineConnection {
  try {
    // Server configuration is given when the engine starts, and only a Session takes it; the client's connection
    // then joins the same engine (one per data directory and process).
    const holder = new Session(dir, {
      connectionArgs: [`--os_threads_nice_value_merge_mutate=${MERGE_NICE}`],
    });
    try {
      return { connection: createChdbConnection({ path: dir }), holder };
    } catch (error) {
      holder.close();
      throw error;
    }
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    if (/only one active data directory per process|still releasing its connection/.test(reason)) {
      throw clickhouseError('VIGIL_CLICKHOUSE_ENGINE_BUSY', { detail: reason }, error);
    }
    const pid = ownerPid(dir);
    // The engine reports the lock ("Cannot lock file <dir>/status") only on stderr; its status file names the owner.
    if (pid !== undefined && pid !== String(process.pid)) {
      throw clickhouseError('VIGIL_CLICKHOUSE_DATA_DIR_LOCKED', { pid, dir }, error);
    }
    throw clickhouseError('VIGIL_CLICKHOUSE_OPEN_FAILED', { dir, reason }, error);
  }
}

function withCause(error: Error, cause: unknown): Error {
  if (error !== cause) error.cause = cause;
  return error;
}

/** Opens the engine on `dir`, applies the session defaults and selects `database` (creating it when asked). */
export async function openChdb(dir: string, database: string, createDatabase: boolean): Promise<OpenedChdb> {
  mkdirSync(dir, { recursive: true });
  const { connection: chdb, holder } = openConnection(dir);
  const release = () => holder.close();
  // chdb declares its Connection with @clickhouse/client-common's types, which the client now bundles as its own
  // copy: the shapes are the same, the declarations are not, hence the cast.
  const connection = chdb as unknown as NonNullable<ClientConfig['connection']>;
  const client = createClient({ connection });
  // The client's insert turns the body into a string and then into SQL text: two copies of megabytes on the event
  // loop per insert. The engine's raw insert takes the bytes as they are.
  const insertBytes: InsertBytes = async (table, columns, body) => {
    try {
      await chdb.chdb.rawInsert({
        table,
        columns,
        format: 'JSONEachRow',
        values: body,
      });
    } catch (error) {
      // As the client's own path does: the engine's "Code: N. DB::Exception: ... (TYPE)" becomes a ClickHouseError
      // whose type says whether a retry may succeed (client.ts).
      throw withCause(parseError(error instanceof Error ? error.message : String(error)), error);
    }
  };
  const target = `chdb:${dir}`;
  try {
    for (const [name, value] of Object.entries(SESSION_DEFAULTS)) {
      const literal = typeof value === 'number' ? String(value) : `'${value}'`;
      await client.command({ query: `SET ${name} = ${literal}` });
    }
    if (createDatabase) await client.command({ query: `CREATE DATABASE IF NOT EXISTS \`${database}\`` });
    const exists = await client.query({
      query: 'SELECT name FROM system.databases WHERE name = {database:String}',
      query_params: { database },
      format: 'JSONEachRow',
    });
    if ((await exists.json()).length === 0) throw clickhouseError('VIGIL_CLICKHOUSE_NO_DATABASE', { database, target });
    // Unqualified table names in queries resolve against the session's database; on a server the HTTP
    // `database` parameter does the same per request.
    await client.command({ query: `USE \`${database}\`` });
    return { client, insertBytes, release };
  } catch (error) {
    await client.close();
    release();
    throw isVigilError(error) ? error : toClickHouseError(error, 'open', target);
  }
}
