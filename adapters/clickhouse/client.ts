/**
 * The one implementation of the `ClickHouse` interface, over an `@clickhouse/client` instance whose connection is
 * either HTTP (a server) or chDB (in-process). The backend-specific parts (opening, session defaults, database
 * selection) live in open-chdb.ts and open-server.ts.
 */
import { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from '../logger.js';
import { Counter, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '../metrics.js';
import { encodeRows, IDENTIFIER } from './encoded-rows.js';
import { clickhouseError } from './errors.js';
import { stripLeadingComments } from './migrations/split.js';
import type { ClickHouse, InsertOptions, QueryOptions, QueryParams, Row } from './types.js';

export const DEFAULT_MAX_ROWS = 10_000;

/** ClickHouse error types (and Node socket codes) after which the same call may succeed later. */
const TRANSIENT = new Set([
  'TIMEOUT_EXCEEDED',
  'TOO_MANY_SIMULTANEOUS_QUERIES',
  'TOO_MANY_PARTS',
  'NETWORK_ERROR',
  'SOCKET_TIMEOUT',
  'ALL_CONNECTION_TRIES_FAILED',
  'KEEPER_EXCEPTION',
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);

export interface ClientMetrics {
  readonly duration: Histogram<'operation'>;
  readonly insertedRows: Counter<'table'>;
}

const metricsByRegistry = new WeakMap<Registry, ClientMetrics>();

/** Metrics are registered once per registry (a process may open the client more than once, e.g. in tests). */
export function clientMetrics(registry: Registry): ClientMetrics {
  let metrics = metricsByRegistry.get(registry);
  if (!metrics) {
    metrics = {
      duration: new Histogram({
        name: 'vigil_clickhouse_call_duration_seconds',
        help: 'Duration of ClickHouse calls by operation (insert, query, command).',
        labelNames: ['operation'],
        buckets: LATENCY_BUCKETS_SECONDS,
        registers: [registry],
      }),
      insertedRows: new Counter({
        name: 'vigil_clickhouse_inserted_rows_total',
        help: 'Rows inserted into ClickHouse by table.',
        labelNames: ['table'],
        registers: [registry],
      }),
    };
    metricsByRegistry.set(registry, metrics);
  }
  return metrics;
}

/** Turns whatever the client threw into a VigilError that says what failed and whether a retry may help. */
export function toClickHouseError(error: unknown, operation: string, target: string): Error {
  const e = error as { type?: unknown; code?: unknown; message?: unknown };
  const type = typeof e.type === 'string' ? e.type : typeof e.code === 'string' ? e.code : 'UNKNOWN';
  const reason = typeof e.message === 'string' && e.message !== '' ? e.message : String(error);
  // A full disk is an operator's fix, not a bad statement: the stream pauses until space is freed instead of
  // stopping (ClickHouse refuses to reserve space, or a write hits ENOSPC).
  if (type === 'NOT_ENOUGH_SPACE' || /no space left on device/i.test(reason)) {
    return clickhouseError('VIGIL_CLICKHOUSE_DISK_FULL', { target, operation, reason: `${type}: ${reason}` }, error);
  }
  if (TRANSIENT.has(type)) {
    return clickhouseError('VIGIL_CLICKHOUSE_UNAVAILABLE', { target, operation, reason: `${type}: ${reason}` }, error);
  }
  return clickhouseError('VIGIL_CLICKHOUSE_QUERY_FAILED', { operation, type, reason }, error);
}

/** Refuses statements that would change the session for every later call (see types.ts). */
export function assertNoSessionStatement(sql: string): void {
  const keyword = /^(SET|USE)\b/i.exec(stripLeadingComments(sql));
  if (keyword) throw clickhouseError('VIGIL_CLICKHOUSE_SESSION_STATEMENT', { statement: keyword[1]?.toUpperCase() });
}

/** Inserts `body`, rows already encoded as JSONEachRow, into `table` (database-qualified). */
export type InsertBytes = (table: string, columns: readonly string[], body: Buffer) => Promise<void>;

export interface WrapOptions {
  readonly database: string;
  readonly target: string;
  readonly logger: Logger;
  readonly metrics?: Registry;
  /** Called after the client is closed (the chDB backend releases its data directory there). */
  readonly onClose?: () => Promise<void> | void;
  /** The backend's own insert of encoded rows; by default the body of an INSERT sent through the client. */
  readonly insertBytes?: InsertBytes;
}

export function wrapClient(client: ClickHouseClient, options: WrapOptions): ClickHouse {
  const { database, target, logger } = options;
  const metrics = options.metrics ? clientMetrics(options.metrics) : undefined;
  let closed = false;
  const insertBytes: InsertBytes =
    options.insertBytes ??
    (async (table, columns, body) => {
      const query = `INSERT INTO ${table} (${columns.join(', ')}) FORMAT JSONEachRow`;
      const { stream } = await client.exec({ query, values: Readable.from([body], { objectMode: false }) });
      stream.resume(); // the answer of an INSERT is empty; read to its end, which releases an HTTP socket
      await finished(stream);
    });

  async function timed<T>(operation: string, run: () => Promise<T>): Promise<T> {
    if (closed) throw clickhouseError('VIGIL_CLICKHOUSE_CLOSED');
    const stop = metrics?.duration.startTimer({ operation });
    try {
      return await run();
    } catch (error) {
      throw toClickHouseError(error, operation, target);
    } finally {
      stop?.();
    }
  }

  return {
    database,
    target,

    async insertRows(table: string, rows: readonly Row[], options: InsertOptions = {}): Promise<number> {
      if (!IDENTIFIER.test(table))
        throw clickhouseError('VIGIL_CLICKHOUSE_BAD_IDENTIFIER', { kind: 'table', name: table });
      if (rows.length === 0) return 0;
      const { columns, bytes } = await encodeRows(rows, options.rowsPerTurn);
      await timed('insert', () => insertBytes(`${database}.${table}`, columns, bytes));
      metrics?.insertedRows.inc({ table }, rows.length);
      return rows.length;
    },

    async query<T = Row>(sql: string, params: QueryParams = {}, queryOptions: QueryOptions = {}): Promise<T[]> {
      assertNoSessionStatement(sql);
      const maxRows = queryOptions.maxRows ?? DEFAULT_MAX_ROWS;
      const rows = await timed('query', async () => {
        const result = await client.query({ query: sql, query_params: { ...params }, format: 'JSONEachRow' });
        return result.json<T>();
      });
      if (rows.length > maxRows) throw clickhouseError('VIGIL_CLICKHOUSE_RESULT_TOO_LARGE', { maxRows });
      return rows;
    },

    async command(sql: string, params: QueryParams = {}): Promise<void> {
      assertNoSessionStatement(sql);
      await timed('command', () => client.command({ query: sql, query_params: { ...params } }));
    },

    async ping(): Promise<void> {
      await timed('ping', async () => {
        const result = await client.ping({ select: true });
        if (!result.success) throw result.error;
      });
    },

    async close(): Promise<void> {
      if (closed) return;
      closed = true;
      try {
        await client.close();
      } finally {
        await options.onClose?.();
        logger.debug({ target }, 'clickhouse closed');
      }
    },
  };
}
