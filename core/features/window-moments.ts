/**
 * The running sums of one (window, channel) and the formulas that turn them into aggregations. Sums are kept
 * relative to a per-window base time and a per-(window, channel) value shift (the first value seen since the last
 * re-base), which keeps the variance and slope formulas away from catastrophic cancellation; the owner re-bases
 * (recomputes from the buffer) often enough that add/subtract drift stays far below 1e-9 relative.
 *
 * Slot layout (MOMENTS numbers): n, shift, Σd, Σd², Στ, Στ², Στd, Σω, Σωd with d = v - shift, τ = t - base,
 * ω = 2^(τ / halfLife) (EWMA weight up to a common factor).
 */
import { AGG } from './feature-layout.js';

export const MOMENTS = 9;
const N = 0;
const SHIFT = 1;
const SD = 2;
const SDD = 3;
const ST = 4;
const STT = 5;
const STD = 6;
const SW = 7;
const SWD = 8;

/** Scratch per channel from a buffer scan: the moments, then min, max, last, previous value. */
export const SCAN = MOMENTS + 4;
export const SCAN_MIN = MOMENTS;
export const SCAN_MAX = MOMENTS + 1;
export const SCAN_LAST = MOMENTS + 2;
export const SCAN_PREV = MOMENTS + 3;

const MS_PER_MINUTE = 60_000;

export function addValue(m: Float64Array, o: number, v: number, tau: number, weight: number): void {
  if (m[o + N] === 0) {
    m.fill(0, o, o + MOMENTS);
    m[o + SHIFT] = v;
  }
  const d = v - m[o + SHIFT]!;
  m[o + N]! += 1;
  m[o + SD]! += d;
  m[o + SDD]! += d * d;
  m[o + ST]! += tau;
  m[o + STT]! += tau * tau;
  m[o + STD]! += tau * d;
  m[o + SW]! += weight;
  m[o + SWD]! += weight * d;
}

export function removeValue(m: Float64Array, o: number, v: number, tau: number, weight: number): void {
  const n = m[o + N]! - 1;
  if (n === 0) {
    // The window emptied for this channel: start the next sums from exact zeros (no residue of old rounding).
    m.fill(0, o, o + MOMENTS);
    return;
  }
  const d = v - m[o + SHIFT]!;
  m[o + N] = n;
  m[o + SD]! -= d;
  m[o + SDD]! -= d * d;
  m[o + ST]! -= tau;
  m[o + STT]! -= tau * tau;
  m[o + STD]! -= tau * d;
  m[o + SW]! -= weight;
  m[o + SWD]! -= weight * d;
}

/**
 * Writes one (channel, window)'s aggregations at `out[offset...]` in the order of `aggs`.
 * Empty window for the channel: every aggregation is 0 except missing_rate (1). std is the population standard
 * deviation, exactly 0 when all values are equal; zscore is 0 when std is 0.
 */
export function emitAggregations(
  out: Float64Array,
  offset: number,
  aggs: Uint8Array,
  m: Float64Array,
  o: number,
  min: number,
  max: number,
  last: number,
  prev: number,
  total: number,
): void {
  const n = m[o + N]!;
  const meanD = n > 0 ? m[o + SD]! / n : 0;
  const mean = n > 0 ? m[o + SHIFT]! + meanD : 0;
  const std = n > 1 && min !== max ? Math.sqrt(Math.max(0, m[o + SDD]! / n - meanD * meanD)) : 0;
  for (let i = 0; i < aggs.length; i++) {
    let x = 0;
    switch (aggs[i]) {
      case AGG.count:
        x = n;
        break;
      case AGG.sum:
        x = n > 0 ? n * m[o + SHIFT]! + m[o + SD]! : 0;
        break;
      case AGG.mean:
        x = mean;
        break;
      case AGG.std:
        x = std;
        break;
      case AGG.min:
        x = n > 0 ? min : 0;
        break;
      case AGG.max:
        x = n > 0 ? max : 0;
        break;
      case AGG.last:
        x = n > 0 ? last : 0;
        break;
      case AGG.delta:
        x = n > 1 ? last - prev : 0;
        break;
      case AGG.slope: {
        if (n > 1) {
          const st = m[o + ST]!;
          const den = n * m[o + STT]! - st * st;
          if (den > 0) x = ((n * m[o + STD]! - st * m[o + SD]!) / den) * MS_PER_MINUTE;
        }
        break;
      }
      case AGG.ewma:
        x = n > 0 ? m[o + SHIFT]! + m[o + SWD]! / m[o + SW]! : 0;
        break;
      case AGG.zscore:
        x = std > 0 ? (last - mean) / std : 0;
        break;
      case AGG.missing_rate:
        x = total > 0 ? (total - n) / total : 0;
        break;
    }
    out[offset + i] = x;
  }
}
