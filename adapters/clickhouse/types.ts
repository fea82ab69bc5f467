/**
 * The narrow storage interface the stream, the API and replay use. It hides whether the embedded chDB engine or
 * a ClickHouse server answers, and it has deliberately no per-call settings: on chDB a setting given with one
 * call persists on the shared session and silently changes later calls (see README.md, "Traps").
 */

/** Values for `{name:Type}` placeholders. Never build SQL by concatenating values. */
export type QueryParams = Readonly<Record<string, unknown>>;

export interface QueryOptions {
  /**
   * Upper bound on the rows one call may return (default 10 000). Results are buffered whole, so a bigger read
   * must be paged (keyset pagination with LIMIT); exceeding it throws VIGIL_CLICKHOUSE_RESULT_TOO_LARGE.
   */
  readonly maxRows?: number;
}

export type Row = Readonly<Record<string, unknown>>;

export interface InsertOptions {
  /**
   * Rows encoded per turn of the event loop (default core/turns.ts ITEMS_PER_TURN). Fewer keep each pause of the
   * loop shorter, for a process that answers requests meanwhile; but each turn waits for foreground work, so a big
   * write behind busy scoring takes longer.
   */
  readonly rowsPerTurn?: number;
}

export interface ClickHouse {
  /** Database every unqualified table name refers to. */
  readonly database: string;
  /** Where the data lives, for logs and messages (`chdb:<dir>` or the server URL without credentials). */
  readonly target: string;
  /**
   * Inserts rows (JSONEachRow) in one call. Each call costs a round trip (~10 ms on chDB), so hand over whole
   * batches (hundreds to thousands of rows), never one row at a time. Returns the number of rows sent; an empty
   * batch is a no-op. DateTime64 columns accept epoch milliseconds.
   */
  insertRows(table: string, rows: readonly Row[], options?: InsertOptions): Promise<number>;
  /** Runs a SELECT with `{name:Type}` placeholders bound from `params`; rows as JSON objects. */
  query<T = Row>(sql: string, params?: QueryParams, options?: QueryOptions): Promise<T[]>;
  /** Runs a statement that returns no rows (DDL, INSERT ... SELECT, ALTER). */
  command(sql: string, params?: QueryParams): Promise<void>;
  /** Resolves when the backend answers a trivial query. */
  ping(): Promise<void>;
  /** Releases the engine or the HTTP agent. Idempotent. */
  close(): Promise<void>;
}

/**
 * Settings every session starts with, on both backends, so that results do not depend on the backend:
 * 64-bit integers as JSON strings (no silent precision loss past 2^53), lenient date-time input (epoch ms or ISO
 * text), synchronous inserts (an insert that returned is durable, which offset commits rely on).
 */
export const SESSION_DEFAULTS = {
  output_format_json_quote_64bit_integers: 1,
  date_time_input_format: 'best_effort',
  async_insert: 0,
} as const;
