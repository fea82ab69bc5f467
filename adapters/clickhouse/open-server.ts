/** Connects to a ClickHouse server over HTTP (CLICKHOUSE_URL): production, or any shared deployment. */

import { createClient } from '@clickhouse/client';
import { isVigilError } from '../../core/errors.js';
import { toClickHouseError } from './client.js';
import { clickhouseError } from './errors.js';
import { SESSION_DEFAULTS } from './types.js';

export type ServerClient = ReturnType<typeof createClient>;

export interface ServerOptions {
  readonly url: string;
  readonly username: string | undefined;
  readonly password: string | undefined;
  readonly database: string;
  readonly createDatabase: boolean;
}

/** The URL without credentials, safe for logs and messages. */
export function redactedUrl(url: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  return parsed.toString().replace(/\/$/, '');
}

export async function openServer(options: ServerOptions): Promise<ServerClient> {
  const target = redactedUrl(options.url);
  const base = {
    url: options.url,
    username: options.username ?? 'default',
    password: options.password ?? '',
    application: 'vigil',
    // Sent with every request, so they are query-scoped on the server: nothing persists between calls.
    clickhouse_settings: { ...SESSION_DEFAULTS },
  };
  if (options.createDatabase) {
    // The target database may not exist yet, and a request naming a missing database fails: bootstrap via default.
    const bootstrap = createClient({ ...base, database: 'default' });
    try {
      await bootstrap.command({ query: `CREATE DATABASE IF NOT EXISTS \`${options.database}\`` });
    } catch (error) {
      throw toClickHouseError(error, 'create database', target);
    } finally {
      await bootstrap.close();
    }
  }
  const client = createClient({ ...base, database: options.database });
  try {
    const result = await client.query({
      query: 'SELECT name FROM system.databases WHERE name = {database:String}',
      query_params: { database: options.database },
      format: 'JSONEachRow',
    });
    if ((await result.json()).length === 0) {
      throw clickhouseError('VIGIL_CLICKHOUSE_NO_DATABASE', { database: options.database, target });
    }
    return client;
  } catch (error) {
    await client.close();
    if (isVigilError(error)) throw error;
    const type = (error as { type?: unknown }).type;
    if (type === 'UNKNOWN_DATABASE') {
      throw clickhouseError('VIGIL_CLICKHOUSE_NO_DATABASE', { database: options.database, target }, error);
    }
    throw toClickHouseError(error, 'connect', target);
  }
}
