/**
 * The feature state of one key: its retained events and, per window, running aggregates anchored at the key's
 * newest event time. Two paths:
 * - in order (eventTime >= newest): append, slide each window (evict from the front, add the new event), read the
 *   vector from the running sums and the monotonic min/max deques. O(1) amortised per event and channel.
 * - out of order (older than newest, within the lateness): insert in time order, compute the event's own vector
 *   by scanning the buffer up to that event only (no leakage of newer events that arrived earlier), then rebuild
 *   the running aggregates so later vectors include the event. O(window); counted as `outOfOrder`.
 * Every decision depends on this key's state only, and `snapshot`/`restore` carry all of it bit for bit.
 */
import { EventBuffer } from './event-buffer.js';
import { EventIdSet } from './event-id-set.js';
import type { FeatureLayout } from './feature-layout.js';
import { PositionDeque } from './position-deque.js';
import {
  addValue,
  emitAggregations,
  MOMENTS,
  removeValue,
  SCAN,
  SCAN_LAST,
  SCAN_MAX,
  SCAN_MIN,
  SCAN_PREV,
} from './window-moments.js';

export interface EngineCounters {
  outOfOrder: number;
  recomputes: number;
}

/**
 * When running sums are recomputed from the buffer (bounding add/subtract drift): whenever an event's time enters a
 * new period of the window's length on the epoch grid (floor(t / W) changes). The trigger depends on event times
 * only, never on where a key's history started, so a state rebuilt from the last longest-window-plus-lateness of
 * events (processor restart, replay) recomputes at the same events as an uninterrupted run and matches it bit for
 * bit from its first recompute on.
 */
function crossesPeriod(previous: number, t: number, windowMs: number): boolean {
  return Math.floor(t / windowMs) !== Math.floor(previous / windowMs);
}

export class KeyState {
  readonly buf: EventBuffer;
  readonly ids: EventIdSet;
  maxTime = Number.NEGATIVE_INFINITY;
  /** Per window: first buffer position inside it, base time of its sums. */
  readonly start: Float64Array;
  readonly base: Float64Array;
  /** MOMENTS numbers per (window w, channel c) at (w * C + c) * MOMENTS. */
  readonly moments: Float64Array;
  /**
   * One min and one max deque per channel over the longest window: the deque of a shorter window is the suffix
   * of the longest window's deque from that window's start, so each window only keeps a pointer into it.
   */
  readonly minDeques: PositionDeque[];
  readonly maxDeques: PositionDeque[];
  readonly minPointers: Float64Array;
  readonly maxPointers: Float64Array;
  /** The last two present values per channel, in buffer order (only read when the window holds them). */
  readonly lastValues: Float64Array;
  readonly previousValues: Float64Array;
  private readonly scan: Float64Array;
  private readonly lastInLongest: Float64Array;

  constructor(readonly layout: FeatureLayout) {
    const C = layout.channelCount;
    const W = layout.windowCount;
    this.buf = new EventBuffer(C);
    this.ids = new EventIdSet();
    this.start = new Float64Array(W);
    this.base = new Float64Array(W);
    this.moments = new Float64Array(W * C * MOMENTS);
    this.minDeques = Array.from({ length: C }, () => new PositionDeque());
    this.maxDeques = Array.from({ length: C }, () => new PositionDeque());
    this.minPointers = new Float64Array(W * C);
    this.maxPointers = new Float64Array(W * C);
    this.lastValues = new Float64Array(C).fill(Number.NaN);
    this.previousValues = new Float64Array(C).fill(Number.NaN);
    this.scan = new Float64Array(C * SCAN);
    this.lastInLongest = new Float64Array(C);
  }

  /** Accepts an event with time >= maxTime; writes its vector into `out` and returns whether it is ready. */
  acceptInOrder(
    t: number,
    id: number,
    values: Float64Array,
    out: Float64Array,
    counters: EngineCounters,
    readyOnly = false,
  ): boolean {
    const { buf, layout } = this;
    const C = layout.channelCount;
    const W = layout.windowCount;
    const pos = buf.append(t, id, values);
    this.ids.add(id);
    const previous = this.maxTime;
    this.maxTime = t;
    for (let w = 0; w < W; w++) {
      const cut = t - layout.windowsMs[w]!;
      let s = this.start[w]!;
      while (s < pos && buf.time(s) <= cut) this.removeEvent(w, s++);
      this.start[w] = s;
      const total = pos - s;
      if (total === 0 || crossesPeriod(previous, t, layout.windowsMs[w]!)) {
        if (total > 0) counters.recomputes++;
        this.recompute(w, s, pos, t);
      }
      this.addEvent(w, pos);
    }
    const longestStart = this.start[W - 1]!;
    for (let c = 0; c < C; c++) {
      const v = values[c]!;
      const minDq = this.minDeques[c]!;
      const maxDq = this.maxDeques[c]!;
      if (!Number.isNaN(v)) {
        while (minDq.length > 0 && buf.value(c, minDq.back()) >= v) minDq.popBack();
        minDq.push(pos);
        while (maxDq.length > 0 && buf.value(c, maxDq.back()) <= v) maxDq.popBack();
        maxDq.push(pos);
        this.previousValues[c] = this.lastValues[c]!;
        this.lastValues[c] = v;
      }
      while (minDq.length > 0 && minDq.at(minDq.head) < longestStart) minDq.popFront();
      while (maxDq.length > 0 && maxDq.at(maxDq.head) < longestStart) maxDq.popFront();
      for (let w = 0; w < W; w++) {
        const i = w * C + c;
        this.minPointers[i] = this.advance(minDq, this.minPointers[i]!, this.start[w]!, !Number.isNaN(v));
        this.maxPointers[i] = this.advance(maxDq, this.maxPointers[i]!, this.start[w]!, !Number.isNaN(v));
      }
    }
    while (buf.size > 0 && buf.time(buf.head) <= t - layout.retentionMs) this.ids.delete(buf.dropHead());
    return this.emitRunning(t, out, readyOnly);
  }

  /** Accepts an event older than maxTime (not late); writes its own vector into `out`, returns readiness. */
  acceptOutOfOrder(t: number, id: number, values: Float64Array, out: Float64Array, counters: EngineCounters): boolean {
    const { buf, layout } = this;
    const pos = buf.firstAfter(t);
    buf.insertAt(pos, t, id, values);
    this.ids.add(id);
    counters.outOfOrder++;
    counters.recomputes++;
    this.rebuild();
    // The event's own vector: the buffer up to and including it (events at t that arrived before it come earlier).
    const C = layout.channelCount;
    const W = layout.windowCount;
    let ready = false;
    for (let w = 0; w < W; w++) {
      const s = buf.firstAfter(t - layout.windowsMs[w]!);
      const base = buf.time(s);
      this.scanRange(w, s, pos + 1, base);
      const total = pos + 1 - s;
      for (let c = 0; c < C; c++) {
        const o = c * SCAN;
        const sc = this.scan;
        emitAggregations(
          out,
          layout.offsets[c * W + w]!,
          layout.aggCodes[c]!,
          sc,
          o,
          sc[o + SCAN_MIN]!,
          sc[o + SCAN_MAX]!,
          sc[o + SCAN_LAST]!,
          sc[o + SCAN_PREV]!,
          total,
        );
        if (w === W - 1) this.lastInLongest[c] = sc[o] === 0 ? Number.NaN : sc[o + SCAN_LAST]!;
      }
      if (w === W - 1) ready = this.isReady(t - base, total);
    }
    this.emitDerived(out);
    return ready;
  }

  /** Rebuilds every running aggregate, deque and pointer from the buffer, anchored at maxTime. */
  rebuild(): void {
    const { buf, layout } = this;
    const C = layout.channelCount;
    const W = layout.windowCount;
    for (let w = 0; w < W; w++) {
      const s = buf.firstAfter(this.maxTime - layout.windowsMs[w]!);
      this.start[w] = s;
      this.recompute(w, s, buf.tail, this.maxTime);
    }
    const longestStart = this.start[W - 1]!;
    this.lastValues.fill(Number.NaN);
    this.previousValues.fill(Number.NaN);
    for (let c = 0; c < C; c++) {
      const minDq = this.minDeques[c]!;
      const maxDq = this.maxDeques[c]!;
      minDq.clear();
      maxDq.clear();
      for (let p = longestStart; p < buf.tail; p++) {
        const v = buf.value(c, p);
        if (Number.isNaN(v)) continue;
        while (minDq.length > 0 && buf.value(c, minDq.back()) >= v) minDq.popBack();
        minDq.push(p);
        while (maxDq.length > 0 && buf.value(c, maxDq.back()) <= v) maxDq.popBack();
        maxDq.push(p);
        this.previousValues[c] = this.lastValues[c]!;
        this.lastValues[c] = v;
      }
      for (let w = 0; w < W; w++) {
        const i = w * C + c;
        this.minPointers[i] = this.advance(minDq, minDq.head, this.start[w]!, false);
        this.maxPointers[i] = this.advance(maxDq, maxDq.head, this.start[w]!, false);
      }
    }
  }

  /**
   * Moves a window's pointer into a deque to its first entry inside the window. After a push, entries popped from
   * the back may include the one it pointed at; the pushed entry (always inside the window) is then the answer.
   */
  private advance(dq: PositionDeque, pointer: number, windowStart: number, pushed: boolean): number {
    let p = Math.max(pointer, dq.head);
    if (pushed) p = Math.min(p, dq.tail - 1);
    if (p > dq.tail) p = dq.tail;
    while (p < dq.tail && dq.at(p) < windowStart) p++;
    return p;
  }

  private weight(w: number, t: number): number {
    return 2 ** ((t - this.base[w]!) / this.layout.halfLivesMs[w]!);
  }

  private addEvent(w: number, pos: number): void {
    const C = this.layout.channelCount;
    const t = this.buf.time(pos);
    const tau = t - this.base[w]!;
    const weight = this.weight(w, t);
    for (let c = 0; c < C; c++) {
      const v = this.buf.value(c, pos);
      if (!Number.isNaN(v)) addValue(this.moments, (w * C + c) * MOMENTS, v, tau, weight);
    }
  }

  private removeEvent(w: number, pos: number): void {
    const C = this.layout.channelCount;
    const t = this.buf.time(pos);
    const tau = t - this.base[w]!;
    const weight = this.weight(w, t);
    for (let c = 0; c < C; c++) {
      const v = this.buf.value(c, pos);
      if (!Number.isNaN(v)) removeValue(this.moments, (w * C + c) * MOMENTS, v, tau, weight);
    }
  }

  /** Re-bases window w and recomputes its sums over positions [from, to); `now` is the base when it is empty. */
  private recompute(w: number, from: number, to: number, now: number): void {
    const C = this.layout.channelCount;
    const base = from < to ? this.buf.time(from) : now;
    this.base[w] = base;
    this.scanRange(w, from, to, base);
    for (let c = 0; c < C; c++) {
      this.moments.set(this.scan.subarray(c * SCAN, c * SCAN + MOMENTS), (w * C + c) * MOMENTS);
    }
  }

  /** Fills `scan` with the moments, min, max, last and previous value of every channel over [from, to). */
  private scanRange(w: number, from: number, to: number, base: number): void {
    const { buf, scan } = this;
    const C = this.layout.channelCount;
    const halfLife = this.layout.halfLivesMs[w]!;
    scan.fill(0);
    for (let p = from; p < to; p++) {
      const t = buf.time(p);
      const tau = t - base;
      const weight = 2 ** (tau / halfLife);
      for (let c = 0; c < C; c++) {
        const v = buf.value(c, p);
        if (Number.isNaN(v)) continue;
        const o = c * SCAN;
        if (scan[o] === 0) {
          scan[o + SCAN_MIN] = v;
          scan[o + SCAN_MAX] = v;
          scan[o + SCAN_PREV] = Number.NaN;
        } else {
          if (v < scan[o + SCAN_MIN]!) scan[o + SCAN_MIN] = v;
          if (v > scan[o + SCAN_MAX]!) scan[o + SCAN_MAX] = v;
          scan[o + SCAN_PREV] = scan[o + SCAN_LAST]!;
        }
        scan[o + SCAN_LAST] = v;
        addValue(scan, o, v, tau, weight);
      }
    }
  }

  /** Writes the running vector into `out` (reads state only); with `readyOnly`, only when the key is ready. */
  private emitRunning(t: number, out: Float64Array, readyOnly = false): boolean {
    const { buf, layout } = this;
    const C = layout.channelCount;
    const W = layout.windowCount;
    const longestStart = this.start[W - 1]!;
    const ready = this.isReady(t - buf.time(longestStart), buf.tail - longestStart);
    if (readyOnly && !ready) return false;
    for (let c = 0; c < C; c++) {
      const minDq = this.minDeques[c]!;
      const maxDq = this.maxDeques[c]!;
      for (let w = 0; w < W; w++) {
        const i = w * C + c;
        const o = i * MOMENTS;
        const n = this.moments[o]!;
        const min = n > 0 ? buf.value(c, minDq.at(this.minPointers[i]!)) : 0;
        const max = n > 0 ? buf.value(c, maxDq.at(this.maxPointers[i]!)) : 0;
        emitAggregations(
          out,
          layout.offsets[c * W + w]!,
          layout.aggCodes[c]!,
          this.moments,
          o,
          min,
          max,
          this.lastValues[c]!,
          this.previousValues[c]!,
          buf.tail - this.start[w]!,
        );
        if (w === W - 1) this.lastInLongest[c] = n > 0 ? this.lastValues[c]! : Number.NaN;
      }
    }
    this.emitDerived(out);
    return ready;
  }

  /** Cross-channel features on the last values of the longest window; 0 when a side is missing or a divisor ~0. */
  private emitDerived(out: Float64Array): void {
    for (const f of this.layout.derived) {
      const a = this.lastInLongest[f.left]!;
      const b = this.lastInLongest[f.right]!;
      let x = 0;
      if (!Number.isNaN(a) && !Number.isNaN(b)) {
        if (f.op === 'ratio') x = Math.abs(b) <= f.epsilon ? 0 : a / b;
        else if (f.op === 'difference') x = a - b;
        else x = a * b;
      }
      out[f.offset] = x;
    }
  }

  private isReady(spanMs: number, events: number): boolean {
    const { warmup } = this.layout.set;
    return (
      spanMs >= warmup.minSpanFraction * this.layout.longestMs || (warmup.minEvents > 0 && events >= warmup.minEvents)
    );
  }
}
