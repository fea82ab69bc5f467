import { servingError } from './errors.js';
import { MAX_EPOCH_MS } from './schemas.js';

/** Parses a query-string time (epoch ms or ISO 8601), between 1970 and the end of ClickHouse's time range. */
export function parseTime(raw: string | undefined, field: string): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  const ms = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(ms))
    throw servingError('VIGIL_SERVING_VALIDATION', { detail: `querystring/${field} is not a time` });
  if (ms < 0 || ms > MAX_EPOCH_MS) {
    throw servingError('VIGIL_SERVING_VALIDATION', {
      detail: `querystring/${field} must be between 1970 and ${new Date(MAX_EPOCH_MS).toISOString()}`,
    });
  }
  return ms;
}

/** [from, to) with defaults (the last `defaultSpanMs` up to now) and the configured maximum span. */
export function timeRange(
  q: { from?: string; to?: string },
  now: number,
  defaultSpanMs: number,
  maxSpanMs: number,
): { from: number; to: number } {
  const to = parseTime(q.to, 'to') ?? now;
  const from = parseTime(q.from, 'from') ?? to - Math.min(defaultSpanMs, maxSpanMs);
  if (from >= to) throw servingError('VIGIL_SERVING_VALIDATION', { detail: 'querystring/from must be before to' });
  if (to - from > maxSpanMs) {
    throw servingError('VIGIL_SERVING_RANGE_TOO_LARGE', {
      from: new Date(from).toISOString(),
      to: new Date(to).toISOString(),
      maxDays: Math.round((maxSpanMs / 86_400_000) * 100) / 100,
    });
  }
  return { from, to };
}
