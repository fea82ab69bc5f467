/**
 * The alert rules a running stream applies (core/scoring AlertRules): threshold overrides and maintenance windows
 * loaded from a RulesSource, refreshed between batches when `refreshEveryMs` has passed, so a change made with
 * the CLI or the API takes effect without a restart. A failed refresh keeps the rules already loaded (a stale
 * threshold for a few seconds beats stopping the stream) and is logged and counted; the next batch tries again.
 *
 * A stream waits for the first load (no batch is judged without its maintenance windows) and, with
 * `refreshEveryMs` 0, for every load. Later loads run beside it, so a batch never waits for a ClickHouse read: a
 * slow or unreachable server would otherwise hold the consumer, which does not heartbeat while it waits.
 */
import type { AlertRules } from '../core/scoring/index.js';
import { MaintenanceCalendar, type MaintenanceWindow } from './maintenance-calendar.js';
import { type ThresholdOverride, ThresholdResolver } from './threshold-resolver.js';

export interface RulesSource {
  /** Current overrides of the stream (cleared ones excluded). */
  thresholdOverrides(stream: string): Promise<ThresholdOverride[]>;
  /** Windows of the stream that end after `since` (older ones cannot suppress anything new). */
  maintenanceWindows(stream: string, since: number): Promise<MaintenanceWindow[]>;
}

export interface LiveAlertRulesOptions {
  readonly stream: string;
  readonly source: RulesSource;
  /** Minimum time between two loads; 0 loads before every batch. */
  readonly refreshEveryMs: number;
  /** How far back windows are loaded (replays and restores of older data judge against these too). */
  readonly windowLookbackMs?: number;
  readonly onRefreshError?: (error: unknown) => void;
  readonly onRefreshed?: (counts: { overrides: number; windows: number }) => void;
}

/**
 * Windows that ended longer ago than this (wall clock) are not loaded. Generous on purpose: event time can lag wall
 * time (backfills, restores of older partitions), and the table holds a few rows per asset and year.
 */
const DEFAULT_LOOKBACK_MS = 400 * 24 * 3600_000;

export class LiveAlertRules implements AlertRules {
  readonly #o: LiveAlertRulesOptions;
  #thresholds: ThresholdResolver;
  #calendar: MaintenanceCalendar;
  #loadedAt = Number.NEGATIVE_INFINITY;
  #loadedOnce = false;
  #loading: Promise<boolean> | undefined;

  constructor(options: LiveAlertRulesOptions) {
    this.#o = options;
    this.#thresholds = new ThresholdResolver([], options.stream);
    this.#calendar = new MaintenanceCalendar([], options.stream);
  }

  thresholdFor(subject: string, key: string, modelThreshold: number): number {
    return this.#thresholds.thresholdFor(subject, key, modelThreshold);
  }

  suppressedAt(key: string, openedAt: number): boolean {
    return this.#calendar.isSuppressed(key, openedAt);
  }

  /**
   * Called before each batch: starts a load when one is due and none is running, and returns what the batch
   * must wait for: the load, until the first one succeeded or when `refreshEveryMs` is 0; else nothing.
   */
  beforeBatch(now: number): Promise<boolean> | undefined {
    this.#loading ??= this.#startIfDue(now);
    return this.#loadedOnce && this.#o.refreshEveryMs > 0 ? undefined : this.#loading;
  }

  /** Resolves when no load is running (a stopping stream waits for it before its ClickHouse closes). */
  async idle(): Promise<void> {
    await this.#loading;
  }

  #startIfDue(now: number): Promise<boolean> | undefined {
    if (now - this.#loadedAt < this.#o.refreshEveryMs) return undefined;
    return this.refreshIfDue(now).finally(() => {
      this.#loading = undefined;
    });
  }

  /** Loads the rules when due; true when a load happened and succeeded. */
  async refreshIfDue(now: number): Promise<boolean> {
    if (now - this.#loadedAt < this.#o.refreshEveryMs) return false;
    this.#loadedAt = now;
    try {
      await this.refresh(now);
      return true;
    } catch (error) {
      this.#o.onRefreshError?.(error);
      return false;
    }
  }

  /** Loads the rules now; throws when the source fails (the rules in use stay). */
  async refresh(now: number): Promise<void> {
    const { stream, source } = this.#o;
    const [overrides, windows] = await Promise.all([
      source.thresholdOverrides(stream),
      source.maintenanceWindows(stream, now - (this.#o.windowLookbackMs ?? DEFAULT_LOOKBACK_MS)),
    ]);
    this.#thresholds = new ThresholdResolver(overrides, stream);
    this.#calendar = new MaintenanceCalendar(windows, stream);
    this.#loadedOnce = true;
    this.#o.onRefreshed?.({ overrides: this.#thresholds.size, windows: this.#calendar.size });
  }
}
