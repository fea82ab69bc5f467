/**
 * Rows written to one ClickHouse table in batches: an insert per request would cost more than the request (and
 * on the embedded engine an insert holds the process for milliseconds). Flushed every `flushIntervalMs`, when
 * `maxBatch` rows wait, on `flush()`, and by `close()`. A failed flush keeps its rows (oldest first) and retries
 * on the next tick, so a clean shutdown loses nothing; beyond `maxBuffered` rows (ClickHouse down for long) new
 * rows are dropped, counted and logged.
 *
 * Off the request path: a flush never starts inside `add()` (it is scheduled after the current request's turn),
 * and it writes at most `maxBatch` rows per insert (the rows of one `add()` stay together), giving the event loop
 * back between inserts. The rows are encoded in `add()` and buffered as bytes (encoded-rows.ts says why): a flush
 * only joins them.
 */
import { type ClickHouse, type EncodedRows, encodeRows, type Row } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';

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
  #buffer: EncodedRows[] = [];
  #rows = 0;
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
    if (rows.length === 0) return true;
    if (this.#rows + rows.length > (this.#options.maxBuffered ?? 100_000)) {
      this.#options.onDropped?.();
      this.#log.error({ table: this.#table, rows: rows.length }, 'insert buffer full: rows dropped');
      return false;
    }
    this.#buffer.push(encodeRows(rows));
    this.#rows += rows.length;
    if (this.#rows >= this.#maxBatch && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => {
        this.#scheduled = false;
        void this.flush();
      });
    }
    return true;
  }

  get pending(): number {
    return this.#rows;
  }

  get #maxBatch(): number {
    return this.#options.maxBatch ?? 1_000;
  }

  /**
   * Writes what is buffered, `maxBatch` rows per insert; concurrent calls share the work. Never throws (failures are
   * logged and retried on the next tick).
   */
  async flush(): Promise<void> {
    while (this.#flushing) await this.#flushing;
    // Only the rows buffered now: under steady load, rows keep arriving during each insert, and chasing them
    // turned one flush per interval into back-to-back inserts of a few rows each (an insert's fixed cost per
    // handful of rows, most of the API's CPU).
    let due = this.#buffer.length;
    while (due > 0) {
      const parts = this.#partsOfOneInsert(due);
      this.#flushing = this.#flushOnce(parts);
      try {
        if (!(await this.#flushing)) return;
      } finally {
        this.#flushing = undefined;
      }
      due -= parts;
    }
  }

  /** How many of the first `available` buffered parts one insert takes: up to `maxBatch` rows, at least one part. */
  #partsOfOneInsert(available: number): number {
    let parts = 0;
    let rows = 0;
    while (parts < available && (parts === 0 || rows + this.#buffer[parts]!.count <= this.#maxBatch)) {
      rows += this.#buffer[parts]!.count;
      parts++;
    }
    return parts;
  }

  async #flushOnce(parts = this.#partsOfOneInsert(this.#buffer.length)): Promise<boolean> {
    const batch = this.#buffer.slice(0, parts);
    this.#buffer = this.#buffer.slice(parts);
    const rows = batch.reduce((sum, part) => sum + part.count, 0);
    this.#rows -= rows;
    try {
      await this.#ch.insertEncoded(this.#table, batch);
      this.#options.onWritten?.(rows);
      return true;
    } catch (error) {
      this.#buffer = batch.concat(this.#buffer);
      this.#rows += rows;
      this.#log.warn({ err: error, table: this.#table, rows }, 'buffered insert failed; will retry');
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
        throw new Error(`${this.#table}: ${this.#rows} buffered rows could not be written at shutdown`);
      }
    }
  }
}
