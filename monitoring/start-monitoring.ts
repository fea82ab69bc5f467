/**
 * The monitor role: runs the data-quality and drift jobs on a schedule, stores their results, opens and closes
 * the alerts they imply and keeps the metrics current. `vigil monitor` serves the metrics on their own port; the
 * demo calls `startMonitoring` in-process with its shared registry.
 *
 * A failed run is logged with its error, counted (vigil_monitoring_job_runs_total{outcome="error"}) and retried at
 * the next tick: a ClickHouse outage must not end the monitor. Runs never overlap (the next tick is scheduled when
 * a run ends).
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import type { Registry } from '../adapters/metrics.js';
import type { Config } from '../core/config/index.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import type { Plant } from '../core/plant/schema.js';
import { countOpenAlerts, readOpenAlerts, writeAlertRows } from './alert-store.js';
import { alertTransitions, type MonitoringAlertRow } from './alert-transitions.js';
import type { QualityReport } from './data-quality.js';
import { measureDataQuality, type QualitySettings } from './data-quality-job.js';
import { type DriftResult, type DriftSettings, driftFindings, driftRows, measureDrift } from './drift-job.js';
import { monitoringError } from './errors.js';
import { createMonitoringMetrics, type MonitoringMetrics } from './monitoring-metrics.js';

export interface MonitoringDeps {
  readonly ch: ClickHouse;
  readonly config: Config;
  readonly logger: Logger;
  /** Where the metrics go (the process registry; the demo shares one across roles). */
  readonly registry: Registry;
  /** The plant whose sample intervals and required channels define completeness (default plant if omitted). */
  readonly plant?: Plant;
  /** Wall clock (epoch ms); injected so tests judge history "as of" a chosen time. */
  readonly clock?: () => number;
}

export interface MonitoringRun {
  readonly at: number;
  readonly quality: QualityReport | undefined;
  readonly drift: readonly DriftResult[] | undefined;
  readonly alerts: readonly MonitoringAlertRow[];
  /** Job name -> error, for the jobs that failed in this run. */
  readonly errors: ReadonlyMap<string, Error>;
}

export interface Monitoring {
  /** Runs both jobs once now (also what each scheduled tick does). */
  runOnce(): Promise<MonitoringRun>;
  /** Stops the schedule and waits for a run in progress. */
  stop(): Promise<void>;
}

export function qualitySettings(config: Config): QualitySettings {
  const m = config.monitoring;
  return {
    staleAfterMs: m.staleAfterMs,
    deadChannelAfterMs: m.deadChannelAfterMs,
    windowMs: m.qualityWindowMs,
    lookbackMs: m.lookbackMs,
  };
}

export function driftSettings(config: Config): DriftSettings {
  const m = config.monitoring;
  return {
    windowsMs: m.driftWindowsMs,
    thresholds: { psi: m.psiThreshold, jsDistance: m.jsThreshold, minRows: m.driftMinRows },
  };
}

/** Creates the jobs; with `schedule: false` nothing runs until `runOnce` (tests, one-shot CLI use). */
export function createMonitoring(deps: MonitoringDeps, options: { schedule?: boolean } = {}): Monitoring {
  const { ch, config, logger: parentLogger } = deps;
  const logger = parentLogger.child({ component: 'monitor' });
  const metrics = createMonitoringMetrics(deps.registry);
  const clock = deps.clock ?? Date.now;
  const plant = deps.plant ?? defaultPlant();
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<MonitoringRun> | undefined;
  let stopped = false;

  async function timed<T>(job: string, fn: () => Promise<T>, errors: Map<string, Error>): Promise<T | undefined> {
    const end = metrics.jobSeconds.startTimer({ job });
    try {
      const result = await fn();
      metrics.jobRuns.inc({ job, outcome: 'ok' });
      metrics.lastSuccess.set({ job }, clock() / 1000);
      return result;
    } catch (cause) {
      metrics.jobRuns.inc({ job, outcome: 'error' });
      const error = monitoringError('VIGIL_MONITORING_JOB_FAILED', { job, reason: (cause as Error).message }, cause);
      logger.error({ err: cause, job }, error.message);
      errors.set(job, error);
      return undefined;
    } finally {
      end();
    }
  }

  async function run(): Promise<MonitoringRun> {
    const at = clock();
    const errors = new Map<string, Error>();
    const alerts: MonitoringAlertRow[] = [];
    const quality = await timed(
      'data_quality',
      async () => {
        const report = await measureDataQuality(ch, plant, qualitySettings(config), at);
        await ch.insertRows('data_quality', report.rows as unknown as Record<string, unknown>[]);
        const open = await readOpenAlerts(ch, ['stale_asset', 'dead_channel']);
        const rows = alertTransitions(open, report.findings, at);
        await writeAlertRows(ch, rows);
        alerts.push(...rows);
        setQualityMetrics(metrics, report);
        return report;
      },
      errors,
    );
    const drift = await timed(
      'drift',
      async () => {
        const settings = driftSettings(config);
        const results = await measureDrift(ch, settings, at);
        await ch.insertRows('drift', driftRows(results));
        const open = await readOpenAlerts(ch, ['drift']);
        const rows = alertTransitions(open, driftFindings(results, settings.thresholds), at);
        await writeAlertRows(ch, rows);
        alerts.push(...rows);
        setDriftMetrics(metrics, results);
        return results;
      },
      errors,
    );
    await timed(
      'alerts',
      async () => {
        const open = await countOpenAlerts(ch);
        metrics.alertsOpen.reset();
        for (const kind of ['stale_asset', 'dead_channel', 'drift'])
          metrics.alertsOpen.set({ kind }, open.get(kind) ?? 0);
      },
      errors,
    );
    for (const row of alerts) {
      const log = { kind: row.kind, subject: row.subject, state: row.state, alertId: row.alert_id };
      if (row.state === 'open') logger.warn(log, row.message);
      else logger.info(log, row.message);
    }
    return { at, quality, drift, alerts, errors };
  }

  function runOnce(): Promise<MonitoringRun> {
    // One run at a time: a manual call during a scheduled run waits for it and then runs.
    const previous = running ?? Promise.resolve(undefined);
    const next = previous.then(run, run);
    running = next;
    return next;
  }

  function tick(): void {
    runOnce()
      .then((result) => {
        if (result.errors.size === 0) logger.debug({ alerts: result.alerts.length }, 'monitoring run done');
      })
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, config.monitoring.intervalMs);
      });
  }

  if (options.schedule !== false) {
    logger.info({ intervalMs: config.monitoring.intervalMs }, 'monitoring jobs scheduled');
    timer = setTimeout(tick, 0);
  }

  return {
    runOnce,
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running?.catch(() => undefined);
    },
  };
}

/** What the demo calls: the jobs on their schedule, metrics in the given registry. */
export function startMonitoring(deps: MonitoringDeps): Monitoring {
  return createMonitoring(deps, { schedule: true });
}

function setQualityMetrics(metrics: MonitoringMetrics, report: QualityReport): void {
  for (const g of [
    metrics.freshness,
    metrics.staleAssets,
    metrics.deadChannels,
    metrics.missingRatio,
    metrics.duplicateRatio,
  ]) {
    g.reset();
  }
  for (const [assetType, s] of report.byAssetType) {
    metrics.freshness.set({ asset_type: assetType }, s.freshnessSeconds);
    metrics.staleAssets.set({ asset_type: assetType }, s.staleAssets);
    metrics.deadChannels.set({ asset_type: assetType }, s.deadChannels);
    metrics.missingRatio.set({ asset_type: assetType }, s.missingRatio);
    metrics.duplicateRatio.set({ asset_type: assetType }, s.duplicateRatio);
  }
  metrics.deadLetters.reset();
  for (const d of report.deadLetters) metrics.deadLetters.set({ stream: d.stream, reason: d.reason }, d.count);
  metrics.deadLetterRatio.reset();
  for (const [stream, rate] of report.deadLetterRate) metrics.deadLetterRatio.set({ stream }, rate);
}

function setDriftMetrics(metrics: MonitoringMetrics, results: readonly DriftResult[]): void {
  metrics.driftPsi.reset();
  metrics.driftJs.reset();
  for (const r of results) {
    const labels = { model: r.model, feature: r.target, window: r.window };
    metrics.driftPsi.set(labels, r.psi);
    metrics.driftJs.set(labels, r.jsDistance);
  }
}
