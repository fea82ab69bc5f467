/**
 * The monitor's Prometheus metrics (names and labels in docs/metrics.md). Gauges are rebuilt from each run's
 * results (reset, then set) so that a feature, asset type or reason that disappeared does not linger.
 */
import { Counter, Gauge, Histogram, type Registry } from '../adapters/metrics.js';

export interface MonitoringMetrics {
  readonly driftPsi: Gauge<'model' | 'feature' | 'window'>;
  readonly driftJs: Gauge<'model' | 'feature' | 'window'>;
  readonly freshness: Gauge<'asset_type'>;
  readonly staleAssets: Gauge<'asset_type'>;
  readonly deadChannels: Gauge<'asset_type'>;
  readonly missingRatio: Gauge<'asset_type'>;
  readonly duplicateRatio: Gauge<'asset_type'>;
  readonly deadLetters: Gauge<'stream' | 'reason'>;
  readonly deadLetterRatio: Gauge<'stream'>;
  readonly alertsOpen: Gauge<'kind'>;
  readonly jobRuns: Counter<'job' | 'outcome'>;
  readonly jobSeconds: Histogram<'job'>;
  readonly lastSuccess: Gauge<'job'>;
}

export function createMonitoringMetrics(registry: Registry): MonitoringMetrics {
  const registers = [registry];
  return {
    driftPsi: new Gauge({
      name: 'vigil_drift_psi',
      help: 'Population stability index of a feature (or score, alert_rate) against the production model card reference',
      labelNames: ['model', 'feature', 'window'],
      registers,
    }),
    driftJs: new Gauge({
      name: 'vigil_drift_js_distance',
      help: 'Jensen-Shannon distance (base 2) against the production model card reference',
      labelNames: ['model', 'feature', 'window'],
      registers,
    }),
    freshness: new Gauge({
      name: 'vigil_data_freshness_seconds',
      help: 'Largest time since the last reading among the assets of a type',
      labelNames: ['asset_type'],
      registers,
    }),
    staleAssets: new Gauge({
      name: 'vigil_data_stale_assets',
      help: 'Assets with no reading for longer than VIGIL_DATA_STALE_AFTER',
      labelNames: ['asset_type'],
      registers,
    }),
    deadChannels: new Gauge({
      name: 'vigil_data_dead_channels',
      help: 'Channels of reporting assets without a value for longer than VIGIL_DATA_DEAD_CHANNEL_AFTER',
      labelNames: ['asset_type'],
      registers,
    }),
    missingRatio: new Gauge({
      name: 'vigil_data_missing_ratio',
      help: 'Worst share of expected readings missing in the quality window among the assets of a type',
      labelNames: ['asset_type'],
      registers,
    }),
    duplicateRatio: new Gauge({
      name: 'vigil_data_duplicate_ratio',
      help: 'Worst share of readings repeating an (asset, event time) under another event id',
      labelNames: ['asset_type'],
      registers,
    }),
    deadLetters: new Gauge({
      name: 'vigil_data_dead_letters',
      help: 'Dead letters stored in the quality window, by stream and reason',
      labelNames: ['stream', 'reason'],
      registers,
    }),
    deadLetterRatio: new Gauge({
      name: 'vigil_data_dead_letter_ratio',
      help: 'Dead letters / all inputs of a stream in the quality window',
      labelNames: ['stream'],
      registers,
    }),
    alertsOpen: new Gauge({
      name: 'vigil_monitoring_alerts_open',
      help: 'Open data-quality and drift alerts by kind (stale_asset, dead_channel, drift)',
      labelNames: ['kind'],
      registers,
    }),
    jobRuns: new Counter({
      name: 'vigil_monitoring_job_runs_total',
      help: 'Monitoring job runs by job (data_quality, drift) and outcome (ok, error)',
      labelNames: ['job', 'outcome'],
      registers,
    }),
    jobSeconds: new Histogram({
      name: 'vigil_monitoring_job_duration_seconds',
      help: 'Duration of one monitoring job run',
      labelNames: ['job'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    }),
    lastSuccess: new Gauge({
      name: 'vigil_monitoring_last_success_timestamp_seconds',
      help: 'Unix time of the last successful run of a monitoring job',
      labelNames: ['job'],
      registers,
    }),
  };
}
