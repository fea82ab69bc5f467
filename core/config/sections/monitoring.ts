import { z } from 'zod';
import { option, section } from '../option.js';
import { durationList, durationMs, nonEmpty, port, positiveInt } from '../parsers.js';

const positiveNumber = z.coerce.number({ message: 'must be a positive number' }).positive('must be a positive number');

/** The monitor role (monitoring/): data-quality and drift jobs, their thresholds and the /metrics listener. */
export const monitoring = section(
  'monitoring',
  {
    intervalMs: option({
      env: 'VIGIL_MONITOR_INTERVAL',
      default: '1m',
      doc: 'How often `vigil monitor` (and the demo) runs the data-quality and drift jobs.',
      schema: durationMs,
    }),
    metricsHost: option({
      env: 'VIGIL_MONITOR_METRICS_HOST',
      default: '127.0.0.1',
      doc: 'Address the monitor serves /metrics on (0.0.0.0 in a container).',
      schema: nonEmpty,
    }),
    metricsPort: option({
      env: 'VIGIL_MONITOR_METRICS_PORT',
      default: '9465',
      doc: 'Port of the monitor /metrics listener (the processor uses 9464, the API 8080; see docs/metrics.md).',
      schema: port,
    }),
    driftWindowsMs: option({
      env: 'VIGIL_DRIFT_WINDOWS',
      default: '1h,1d',
      doc: 'Rolling windows of event time whose live distributions are compared with the model card reference.',
      schema: durationList,
    }),
    psiThreshold: option({
      env: 'VIGIL_DRIFT_PSI_THRESHOLD',
      default: '0.2',
      doc: 'PSI above which a feature, the score or the alert rate has drifted (0.1 moderate, 0.2 significant).',
      schema: positiveNumber,
    }),
    jsThreshold: option({
      env: 'VIGIL_DRIFT_JS_THRESHOLD',
      default: '0.2',
      doc: 'Jensen-Shannon distance (base 2, 0..1) above which a target has drifted (about PSI 0.2 for small shifts).',
      schema: positiveNumber,
    }),
    driftMinRows: option({
      env: 'VIGIL_DRIFT_MIN_ROWS',
      default: '200',
      doc: 'A window with fewer live values than this is reported but raises no drift alert (PSI of a few values is noise).',
      schema: positiveInt,
    }),
    staleAfterMs: option({
      env: 'VIGIL_DATA_STALE_AFTER',
      default: '2m',
      doc: 'An asset with no reading for longer than this is stale (data-quality alert stale_asset).',
      schema: durationMs,
    }),
    deadChannelAfterMs: option({
      env: 'VIGIL_DATA_DEAD_CHANNEL_AFTER',
      default: '10m',
      doc: 'A channel of a reporting asset with no value for longer than this is dead (alert dead_channel).',
      schema: durationMs,
    }),
    qualityWindowMs: option({
      env: 'VIGIL_DATA_QUALITY_WINDOW',
      default: '15m',
      doc: 'Window of the completeness, uniqueness, validity and dead-letter checks.',
      schema: durationMs,
    }),
    lookbackMs: option({
      env: 'VIGIL_DATA_QUALITY_LOOKBACK',
      default: '1d',
      doc: 'How far back freshness looks for an asset last reading; an asset silent for longer drops out of the report (its open alert stays open).',
      schema: durationMs,
    }),
  },
  (v) => {
    const problems: string[] = [];
    if (v.staleAfterMs >= v.lookbackMs) {
      problems.push(
        `VIGIL_DATA_STALE_AFTER (${v.staleAfterMs} ms) must be shorter than VIGIL_DATA_QUALITY_LOOKBACK (${v.lookbackMs} ms)`,
      );
    }
    if (v.deadChannelAfterMs >= v.lookbackMs) {
      problems.push(
        `VIGIL_DATA_DEAD_CHANNEL_AFTER (${v.deadChannelAfterMs} ms) must be shorter than VIGIL_DATA_QUALITY_LOOKBACK (${v.lookbackMs} ms)`,
      );
    }
    if (v.qualityWindowMs > v.lookbackMs) {
      problems.push(
        `VIGIL_DATA_QUALITY_WINDOW (${v.qualityWindowMs} ms) must not exceed VIGIL_DATA_QUALITY_LOOKBACK (${v.lookbackMs} ms)`,
      );
    }
    return problems;
  },
);
