/**
 * Rows written to one ClickHouse table in batches: an insert per request would cost more than the request (and
 * on the embedded engine an insert holds the process for milliseconds). Flushed every `flushIntervalMs`, when
 * `maxBatch` rows wait, on `flush()`, and by `close()`. A failed flush keeps its rows (oldest first) and retries
 * on the next tick, so a clean shutdown loses nothing; beyond `maxBuffered` rows (ClickHouse down for long) new
 * rows are dropped, counted and logged.
 *
 * Off the request path: a flush never starts inside `add()` (it is scheduled after the current request's turn),
 * and it writes at most `maxBatch` rows per insert, giving the event loop back between inserts: one insert of a
 * second's worth of API inference rows held every request waiting behind it for tens of milliseconds. An insert
 * encodes its rows by turns, as background work that waits while a request awaits its model (core/turns.ts).
 */
import type { ClickHouse, Row } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';

/**
 * Rows encoded per turn of the event loop: a turn of the default 64 API inference rows (~200 KB of JSON) paused
 * the loop ~1 ms, which a request arriving meanwhile waited for; 16 rows, ~0.2 ms (bench/README.md, "fifth").
 * The processor keeps 64: its group writes gate its durability, and each turn waits for its scoring.
 */
const ROWS_PER_TURN = 16;

export interface BufferedInsertOptions {
  readonly flushIntervalMs: number;
  readonly maxBatch?: number;
  readonly maxBuffered?: number;
  readonly onWritten?: (rows: number) => void;
  readonly onDropped?: () => void;
}

export class BufferedInsert {
  readonly #ch: ClickHouse;
  readonly #table: string;
  readonly #log: Logger;
  readonly #options: BufferedInsertOptions;
  #buffer: Row[] = [];
  #flushing: Promise<unknown> | undefined;
  readonly #timer: NodeJS.Timeout;
  #closed = false;
  #scheduled = false;

  constructor(ch: ClickHouse, table: string, logger: Logger, options: BufferedInsertOptions) {
    this.#ch = ch;
    this.#table = table;
    this.#log = logger;
    this.#options = options;
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs);
    this.#timer.unref();
  }

  /** Queues rows; returns false when the buffer is full and they were dropped. */
  add(rows: readonly Row[]): boolean {
    if (this.#buffer.length + rows.length > (this.#options.maxBuffered ?? 100_000)) {
      this.#options.onDropped?.();
      this.#log.error({ table: this.#table, rows: rows.length }, 'insert buffer full: rows dropped');
      return false;
    }
    for (const row of rows) this.#buffer.push(row);
    if (this.#buffer.length >= this.#maxBatch && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.#flush(true);
      });
    }
    return true;
  }

  get pending(): number {
    return this.#buffer.length;
  }

  get #maxBatch(): number {
    return this.#options.maxBatch ?? 1_000;
  }

  /**
   * Writes what is buffered, `maxBatch` rows per insert; concurrent calls share the work. Never throws (failures are
   * logged and retried on the next tick).
   */
  flush(): Promise<void> {
    return this.#flush(false);
  }

  /**
   * `wholeBatches`: the flush `add()` starts when a batch's worth waits writes whole batches only. The few rows
   * that arrived with the last one wait for the next: an insert of their own took 22-25 ms under load,
   * more than half of what an insert of 1 000 rows took (bench/README.md, "fifth").
   */
  async #flush(wholeBatches: boolean): Promise<void> {
    while (this.#flushing) await this.#flushing;
    // Only the rows buffered now: under steady load, rows keep arriving during each insert, and chasing them
    // turned one flush per interval into back-to-back inserts of a few rows each (an insert's fixed cost per
    // handful of rows, most of the API's CPU).
    let due = this.#buffer.length;
    if (wholeBatches) due -= due % this.#maxBatch;
    while (due > 0) {
      const rows = Math.min(due, this.#maxBatch);
      this.#flushing = this.#flushOnce(rows);
      try {
        if (!(await this.#flushing)) return;
      } finally {
        this.#flushing = undefined;
      }
      due -= rows;
    }
  }

  async #flushOnce(rows = this.#maxBatch): Promise<boolean> {
    const batch = this.#buffer.length <= rows ? this.#buffer : this.#buffer.slice(0, rows);
    this.#buffer = batch === this.#buffer ? [] : this.#buffer.slice(batch.length);
    try {
      await this.#ch.insertRows(this.#table, batch, { rowsPerTurn: ROWS_PER_TURN });
      this.#options.onWritten?.(batch.length);
      return true;
    } catch (error) {
      this.#buffer = batch.concat(this.#buffer);
      this.#log.warn({ err: error, table: this.#table, rows: batch.length }, 'buffered insert failed; will retry');
      return false;
    }
  }

  /** Stops the timer and writes every buffered row; throws if ClickHouse refuses the final write. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
    while (this.#buffer.length > 0) {
      if (!(await this.#flushOnce())) {
        throw new Error(`${this.#table}: ${this.#buffer.length} buffered rows could not be written at shutdown`);
      }
    }
  }
}
