/**
 * The API audit trail (table api_audit): one row per request, buffered in memory and inserted in batches (a
 * ClickHouse insert per request would cost more than the request). Flushed every `flushIntervalMs`, when the
 * buffer reaches `maxBatch`, and by `close()` on shutdown. A failed flush keeps its rows and retries on the next
 * tick, so a clean shutdown loses nothing; only rows beyond `maxBuffered` (ClickHouse down for a long time) are
 * dropped, counted in vigil_api_audit_dropped_total and logged.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import { Counter, Gauge, type Registry } from '../../adapters/metrics.js';

export interface AuditRow {
  readonly at: number;
  readonly apiKeyId: string;
  readonly role: string;
  readonly route: string;
  readonly method: string;
  readonly status: number;
  readonly latencyMs: number;
  readonly requestId: string;
  readonly inferenceIds: readonly string[];
}

export interface AuditLogOptions {
  readonly flushIntervalMs?: number;
  readonly maxBatch?: number;
  readonly maxBuffered?: number;
  readonly metrics?: Registry;
}

export class AuditLog {
  readonly #ch: ClickHouse;
  readonly #log: Logger;
  readonly #maxBatch: number;
  readonly #maxBuffered: number;
  #buffer: AuditRow[] = [];
  #flushing: Promise<void> | undefined;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;
  readonly #written: Counter | undefined;
  readonly #dropped: Counter | undefined;

  constructor(ch: ClickHouse, logger: Logger, options: AuditLogOptions = {}) {
    this.#ch = ch;
    this.#log = logger.child({ component: 'api-audit' });
    this.#maxBatch = options.maxBatch ?? 1_000;
    this.#maxBuffered = options.maxBuffered ?? 100_000;
    const registers = options.metrics ? [options.metrics] : [];
    if (options.metrics) {
      this.#written = new Counter({
        name: 'vigil_api_audit_rows_total',
        help: 'Audit rows written to ClickHouse',
        registers,
      });
      this.#dropped = new Counter({
        name: 'vigil_api_audit_dropped_total',
        help: 'Audit rows dropped because the buffer was full (ClickHouse unavailable for long)',
        registers,
      });
      const buffered = () => this.#buffer.length;
      new Gauge({
        name: 'vigil_api_audit_buffered_rows',
        help: 'Audit rows waiting to be flushed',
        registers,
        collect() {
          this.set(buffered());
        },
      });
    }
    this.#timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 1_000);
    this.#timer.unref();
  }

  record(row: AuditRow): void {
    if (this.#buffer.length >= this.#maxBuffered) {
      this.#dropped?.inc();
      this.#log.error({ route: row.route, requestId: row.requestId }, 'audit buffer full: row dropped');
      return;
    }
    this.#buffer.push(row);
    if (this.#buffer.length >= this.#maxBatch) void this.flush();
  }

  get pending(): number {
    return this.#buffer.length;
  }

  /** Writes what is buffered; concurrent calls share one flush. Never throws (failures are logged and retried). */
  async flush(): Promise<void> {
    if (this.#flushing) await this.#flushing;
    if (this.#buffer.length === 0) return;
    this.#flushing = this.#flushOnce();
    try {
      await this.#flushing;
    } finally {
      this.#flushing = undefined;
    }
  }

  async #flushOnce(): Promise<void> {
    const batch = this.#buffer;
    this.#buffer = [];
    try {
      await this.#ch.insertRows(
        'api_audit',
        batch.map((r) => ({
          at: r.at,
          api_key_id: r.apiKeyId,
          role: r.role,
          route: r.route,
          method: r.method,
          status: r.status,
          latency_ms: r.latencyMs,
          request_id: r.requestId,
          inference_ids: r.inferenceIds,
        })),
      );
      this.#written?.inc(batch.length);
    } catch (error) {
      // Keep the rows (oldest first) and try again on the next tick.
      this.#buffer = batch.concat(this.#buffer);
      this.#log.warn({ err: error, rows: batch.length }, 'audit flush failed; will retry');
    }
  }

  /** Stops the timer and writes every buffered row; throws if ClickHouse refuses the final flush. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#timer);
    await this.flush();
    if (this.#buffer.length > 0) {
      const rows = this.#buffer.length;
      await this.#flushOnce();
      if (this.#buffer.length > 0) throw new Error(`audit: ${rows} rows could not be written at shutdown`);
    }
  }
}
