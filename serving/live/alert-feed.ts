/**
 * Live alerts for the UI (server-sent events). The server polls ClickHouse for alerts written or acknowledged
 * since its last look, rather than consuming the alerts topic: reads already need the shared ClickHouse, polling
 * works the same in `vigil demo` (chDB) and against a server, and a restarted server loses nothing (it looks back
 * `lookBackMs`). Latency is one poll interval (VIGIL_API_LIVE_POLL, 1 s by default). Polling runs only while at
 * least one client listens. Each change is pushed once per (alert, version, acknowledgement).
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import { type AlertView, alertsChangedSince } from '../queries/alerts.js';

export type AlertListener = (alert: AlertView) => void;

export class AlertFeed {
  readonly #ch: ClickHouse;
  readonly #log: Logger;
  readonly #pollMs: number;
  readonly #lookBackMs: number;
  readonly #listeners = new Set<AlertListener>();
  readonly #seen = new Map<string, number>();
  #cursor: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #polling = false;

  constructor(ch: ClickHouse, logger: Logger, options: { pollMs: number; lookBackMs?: number }) {
    this.#ch = ch;
    this.#log = logger.child({ component: 'alert-feed' });
    this.#pollMs = options.pollMs;
    this.#lookBackMs = options.lookBackMs ?? 5_000;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    if (this.#timer === undefined) {
      this.#timer = setInterval(() => void this.poll(), this.#pollMs);
      this.#timer.unref();
    }
    return () => {
      this.#listeners.delete(listener);
      if (this.#listeners.size === 0) this.stop();
    };
  }

  get listeners(): number {
    return this.#listeners.size;
  }

  /** One look for changes (also called by tests). Errors are logged and the next tick tries again. */
  async poll(): Promise<void> {
    if (this.#polling) return;
    this.#polling = true;
    try {
      if (this.#cursor === undefined) {
        const rows = await this.#ch.query<{ now: string }>('SELECT toUnixTimestamp64Milli(now64(3)) AS now');
        this.#cursor = Number(rows[0]?.now ?? Date.now());
      }
      // Look back a little: a row stamped just before our previous look may have become visible after it.
      const changes = await alertsChangedSince(this.#ch, this.#cursor - this.#lookBackMs);
      for (const alert of changes) {
        const changedAt = Math.max(alert.updatedAt, alert.ack?.at ?? 0);
        const id = `${alert.alertId}:${alert.version}:${alert.ack?.at ?? 0}`;
        if (this.#seen.has(id)) continue;
        this.#seen.set(id, changedAt);
        this.#cursor = Math.max(this.#cursor, changedAt);
        for (const listener of this.#listeners) listener(alert);
      }
      for (const [id, at] of this.#seen) if (at < this.#cursor - 10 * this.#lookBackMs) this.#seen.delete(id);
    } catch (error) {
      this.#log.warn({ err: error }, 'live alert poll failed; retrying next tick');
    } finally {
      this.#polling = false;
    }
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }
}
