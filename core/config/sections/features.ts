import { z } from 'zod';
import { option, section } from '../option.js';
import { durationList, durationMs, nonNegativeInt } from '../parsers.js';

const fraction = z.coerce
  .number({ message: 'must be a number between 0 and 1' })
  .min(0, 'must be a number between 0 and 1')
  .max(1, 'must be a number between 0 and 1');

/** Defaults of every feature set (core/features): the fields match `FeatureDefaults`. */
export const features = section(
  'features',
  {
    windowsMs: option({
      env: 'VIGIL_FEATURE_WINDOWS',
      default: '1m,5m,15m',
      doc: 'Event-time windows of sensor feature sets (asset types without a declared set get these).',
      schema: durationList,
    }),
    orderWindowsMs: option({
      env: 'VIGIL_ORDER_FEATURE_WINDOWS',
      default: '5m,15m,60m',
      doc: 'Event-time windows of the order (per store) feature set.',
      schema: durationList,
    }),
    allowedLatenessMs: option({
      env: 'VIGIL_ALLOWED_LATENESS',
      default: '30s',
      doc: 'How far behind its key newest event an event may be and still be used; later ones are dead-lettered as LATE. Must be shorter than the longest window.',
      schema: durationMs,
    }),
    warmupSpanFraction: option({
      env: 'VIGIL_FEATURE_WARMUP_SPAN',
      default: '0.9',
      doc: 'A key is scored once its longest window spans this share of its length (0..1)...',
      schema: fraction,
    }),
    warmupMinEvents: option({
      env: 'VIGIL_FEATURE_WARMUP_EVENTS',
      default: '0',
      doc: '...or holds this many events (0: only the span counts).',
      schema: nonNegativeInt,
    }),
  },
  (v) => {
    const problems: string[] = [];
    const longest = Math.max(...v.windowsMs);
    const longestOrders = Math.max(...v.orderWindowsMs);
    if (v.allowedLatenessMs >= Math.min(longest, longestOrders)) {
      problems.push(
        `VIGIL_ALLOWED_LATENESS (${v.allowedLatenessMs} ms) must be shorter than the longest window of VIGIL_FEATURE_WINDOWS (${longest} ms) and VIGIL_ORDER_FEATURE_WINDOWS (${longestOrders} ms): lower the lateness or add a longer window`,
      );
    }
    return problems;
  },
);
