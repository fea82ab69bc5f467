/**
 * Parsing cell values: timestamps in the formats plant historians and data loggers export, and numbers.
 *
 * Times (all to epoch ms):
 *   ISO 8601             2024-03-01T12:00:00Z, 2024-03-01T12:00:00.250+01:00
 *   date and time        2024-03-01 12:00:00, 2024/03/01 12:00:00.5  (no zone = UTC)
 *   epoch numbers        by magnitude: < 1e11 seconds, < 1e14 milliseconds, < 1e17 microseconds, else nanoseconds
 *                        (1e11 s is the year 5138; 1e11 ms is 1973, so real data is never ambiguous)
 * Numbers: plain decimals with optional exponent; "NaN" is kept as NaN (the pipeline dead-letters it, as it
 * would from a live gateway); with a non-comma delimiter a decimal comma (12,5) is accepted.
 */

const DATE_TIME =
  /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|z|[+-]\d{2}(?::?\d{2})?)?$/;
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/** Earliest and latest plausible event times: 1970 .. 2200. Anything else is a misread column. */
const MIN_TIME = 0;
const MAX_TIME = 7_258_118_400_000;

export function epochToMs(value: number): number {
  const abs = Math.abs(value);
  if (abs < 1e11) return Math.round(value * 1000);
  if (abs < 1e14) return Math.round(value);
  if (abs < 1e17) return Math.round(value / 1000);
  return Math.round(value / 1e6);
}

/** Epoch ms of a time cell, or null when it is not a time in a supported format. */
export function parseTime(raw: unknown): number | null {
  let ms: number;
  if (typeof raw === 'number') {
    if (!Number.isFinite(raw)) return null;
    ms = epochToMs(raw);
  } else if (typeof raw === 'string') {
    const text = raw.trim();
    if (text === '') return null;
    if (NUMBER.test(text)) ms = epochToMs(Number(text));
    else {
      const m = DATE_TIME.exec(text);
      if (!m) return null;
      const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
      const month = Number(mo);
      const day = Number(d);
      const hour = Number(h);
      const minute = Number(mi);
      const second = Number(s);
      if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
      const millis = frac === '' ? 0 : Math.round(Number(`0.${frac}`) * 1000);
      ms = Date.UTC(Number(y), month - 1, day, hour, minute, second, millis);
      // Date.UTC rolls 31 February over into March: reject dates that do not exist.
      if (new Date(ms).getUTCDate() !== day && hour < 24) return null;
      if (zone !== undefined && zone !== 'Z' && zone !== 'z') {
        const sign = zone[0] === '-' ? -1 : 1;
        const digits = zone.slice(1).replace(':', '');
        const offset = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
        ms -= sign * offset * 60_000;
      }
    }
  } else return null;
  return ms >= MIN_TIME && ms <= MAX_TIME ? ms : null;
}

/** The number in a cell: a number, NaN for "NaN", undefined for an empty cell, null when not numeric. */
export function parseNumber(raw: unknown, decimalComma: boolean): number | null | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'boolean') return raw ? 1 : 0;
  if (typeof raw !== 'string') return null;
  const text = raw.trim();
  if (text === '') return undefined;
  if (NUMBER.test(text)) return Number(text);
  if (text === 'NaN' || text === 'nan' || text === 'NAN') return Number.NaN;
  if (decimalComma && DECIMAL_COMMA.test(text)) return Number(text.replace(',', '.'));
  return null;
}

/** True when a cell looks like a date-time string (not a bare number, which could be any quantity). */
export function looksLikeDateTime(raw: unknown): boolean {
  return typeof raw === 'string' && DATE_TIME.test(raw.trim());
}
