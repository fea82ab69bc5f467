/**
 * The API audit trail (table api_audit): one row per request, buffered and inserted in batches (see
 * ../buffered-insert.ts: flushed on an interval, when large, and at shutdown; never lost on a clean shutdown).
 * Metrics: vigil_api_audit_rows_total, vigil_api_audit_dropped_total, vigil_api_audit_buffered_rows.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import { Counter, Gauge, type Registry } from '../../adapters/metrics.js';
import { BufferedInsert } from '../buffered-insert.js';

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
  readonly #rows: BufferedInsert;

  constructor(ch: ClickHouse, logger: Logger, options: AuditLogOptions = {}) {
    const registers = options.metrics ? [options.metrics] : [];
    const written = new Counter({
      name: 'vigil_api_audit_rows_total',
      help: 'Audit rows written to ClickHouse',
      registers,
    });
    const dropped = new Counter({
      name: 'vigil_api_audit_dropped_total',
      help: 'Audit rows dropped because the buffer was full (ClickHouse unavailable for long)',
      registers,
    });
    this.#rows = new BufferedInsert(ch, 'api_audit', logger.child({ component: 'api-audit' }), {
      flushIntervalMs: options.flushIntervalMs ?? 1_000,
      maxBatch: options.maxBatch,
      maxBuffered: options.maxBuffered,
      onWritten: (n) => written.inc(n),
      onDropped: () => dropped.inc(),
    });
    const rows = this.#rows;
    new Gauge({
      name: 'vigil_api_audit_buffered_rows',
      help: 'Audit rows waiting to be flushed',
      registers,
      collect() {
        this.set(rows.pending);
      },
    });
  }

  record(row: AuditRow): void {
    this.#rows.add([
      {
        at: row.at,
        api_key_id: row.apiKeyId,
        role: row.role,
        route: row.route,
        method: row.method,
        status: row.status,
        latency_ms: row.latencyMs,
        request_id: row.requestId,
        inference_ids: row.inferenceIds,
      },
    ]);
  }

  get pending(): number {
    return this.#rows.pending;
  }

  flush(): Promise<void> {
    return this.#rows.flush();
  }

  close(): Promise<void> {
    return this.#rows.close();
  }
}
