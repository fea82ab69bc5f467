/**
 * The production scores of a run, per key in processing order: enough to tally point-wise metrics and to replay
 * the alert policy with other settings without scoring again (scores do not depend on the policy, so a sweep of
 * k, n, hysteresis, close-after and cool-down costs one model pass).
 */
import { type AlertPolicyConfig, createAlertPolicy } from '../core/alerts/index.js';
import { PointTallier } from './point-tally.js';
import type { AlertSpan, FaultSpan, PointTally } from './types.js';

/**
 * 16 bytes per score: ONNX scores are float32, so Float32Array loses nothing; a static run has one threshold; the
 * speed (share of range, for the alert policy's hold) as float32, NaN when the stream could not tell it.
 */
class KeyTrace {
  times = new Float64Array(1024);
  scores = new Float32Array(1024);
  speeds = new Float32Array(1024);
  length = 0;

  constructor(readonly threshold: number) {}

  push(time: number, score: number, speed: number): void {
    if (this.length === this.times.length) {
      this.times = grown(this.times, new Float64Array(this.times.length * 2));
      this.scores = grown(this.scores, new Float32Array(this.scores.length * 2));
      this.speeds = grown(this.speeds, new Float32Array(this.speeds.length * 2));
    }
    this.times[this.length] = time;
    this.scores[this.length] = score;
    this.speeds[this.length] = speed;
    this.length++;
  }
}

function grown<T extends Float64Array | Float32Array>(old: T, next: T): T {
  next.set(old);
  return next;
}

export interface KeySeries {
  readonly key: string;
  readonly threshold: number;
  readonly times: Float64Array;
  readonly scores: Float32Array;
  /** Absent in traces saved before speeds were kept: every speed unknown (NaN). */
  readonly speeds?: Float32Array;
}

export class ScoreTrace {
  readonly #keys = new Map<string, KeyTrace>();

  add(key: string, eventTime: number, score: number, threshold: number, speed = Number.NaN): void {
    let trace = this.#keys.get(key);
    if (trace === undefined) {
      trace = new KeyTrace(threshold);
      this.#keys.set(key, trace);
    }
    if (threshold !== trace.threshold) {
      throw new Error(`score trace of ${key}: threshold changed from ${trace.threshold} to ${threshold} mid-run`);
    }
    trace.push(eventTime, score, speed);
  }

  get keys(): number {
    return this.#keys.size;
  }

  get scored(): number {
    let n = 0;
    for (const t of this.#keys.values()) n += t.length;
    return n;
  }

  /** A trace rebuilt from `series()` output (a saved trace file). */
  static fromSeries(series: Iterable<KeySeries>) {
    const trace = new ScoreTrace();
    for (const s of series) {
      const t = new KeyTrace(s.threshold);
      t.times = Float64Array.from(s.times);
      t.scores = Float32Array.from(s.scores);
      t.speeds = s.speeds ? Float32Array.from(s.speeds) : new Float32Array(s.times.length).fill(Number.NaN);
      t.length = s.times.length;
      trace.#keys.set(s.key, t);
    }
    return trace;
  }

  /** Each key's scores in processing order (views, not copies), for diagnostics. */
  *series(): Generator<Required<KeySeries>> {
    for (const [key, t] of this.#keys) {
      yield {
        key,
        threshold: t.threshold,
        times: t.times.subarray(0, t.length),
        scores: t.scores.subarray(0, t.length),
        speeds: t.speeds.subarray(0, t.length),
      };
    }
  }

  /** Point-wise tally of the scores in [from, to) against `faults` (flagged = score > threshold). */
  tally(faults: readonly FaultSpan[], graceMs: number, from: number, to: number): PointTally {
    const tallier = new PointTallier(faults, graceMs);
    for (const [key, t] of this.#keys) {
      for (let i = 0; i < t.length; i++) {
        const time = t.times[i]!;
        if (time >= from && time < to) tallier.add(key, time, t.scores[i]! > t.threshold);
      }
    }
    return tallier.tally();
  }

  /** The alerts `policy` opens on these scores: the same policy code the pipeline runs, minus contributors. */
  replayAlerts(policy: AlertPolicyConfig): AlertSpan[] {
    const alerts: AlertSpan[] = [];
    const p = createAlertPolicy(policy, 'evaluation');
    for (const [key, t] of this.#keys) {
      const open = new Map<string, number>();
      for (let i = 0; i < t.length; i++) {
        const alert = p.evaluate({
          key,
          eventTime: t.times[i]!,
          score: t.scores[i]!,
          threshold: t.threshold,
          modelName: '',
          modelVersion: '',
          channels: [],
          speed: Number.isNaN(t.speeds[i]!) ? undefined : t.speeds[i],
        });
        if (alert === undefined) continue;
        if (alert.state === 'closed') {
          open.delete(alert.alertId);
          alerts.push({ key, openedAt: alert.openedAt, closedAt: alert.closedAt });
        } else open.set(alert.alertId, alert.openedAt);
      }
      for (const openedAt of open.values()) alerts.push({ key, openedAt, closedAt: null });
    }
    return alerts;
  }
}
