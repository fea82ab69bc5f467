/**
 * The feature engine: one feature set, many keys. `process` decides the verdict of each event from its key's state
 * alone (duplicate, late, accepted) and returns the feature vector of accepted events. It is pure (no clock, no
 * I/O): the stream processor calls it per decoded event in partition order, replay in key order, the API on an
 * uploaded sequence, and all three get identical vectors.
 */
import { featuresError } from './errors.js';
import { eventIdHash } from './event-id-set.js';
import type { FeatureEvent, ProcessResult } from './feature-event.js';
import { type FeatureLayout, featureLayout } from './feature-layout.js';
import type { FeatureSet } from './feature-set.js';
import { type EngineCounters, KeyState } from './key-state.js';
import { type KeyStateSnapshot, restoreKeyState, snapshotKeyState } from './key-state-snapshot.js';

export interface FeatureEngineStats {
  readonly keys: number;
  readonly accepted: number;
  readonly late: number;
  readonly duplicate: number;
  /** Accepted events older than their key's newest event (the O(window) path). */
  readonly outOfOrder: number;
  /** Window sums recomputed from the buffer (re-basing against drift, or after an out-of-order insert). */
  readonly recomputes: number;
  /** Events currently retained over all keys. */
  readonly retainedEvents: number;
}

export interface FeatureEngine {
  readonly featureSet: FeatureSet;
  readonly vectorLength: number;
  /**
   * Processes one event of one key. `out` (vectorLength long) is filled instead of allocating a vector.
   * `readyOnly`: an in-order event's vector is filled only when the key is ready (scored); before, it is left
   * unfilled. The state advances exactly the same (for callers that score and never read warm-up vectors: the API).
   */
  process(event: FeatureEvent, out?: Float64Array, options?: { readonly readyOnly?: boolean }): ProcessResult;
  /** Plain JSON data of a key's state (undefined for an unknown key). */
  snapshot(key: string): KeyStateSnapshot | undefined;
  /** Replaces a key's state by a snapshot; throws VIGIL_FEATURES_SNAPSHOT_INVALID when it does not fit. */
  restore(key: string, snapshot: KeyStateSnapshot): void;
  keys(): IterableIterator<string>;
  /** Forgets a key (e.g. its partition was revoked). */
  drop(key: string): boolean;
  /**
   * Forgets keys whose newest event is older than `watermark - idleMs` (default: longest window + lateness).
   * Exact only if such a key's next event is newer than its old newest + longest window + lateness (its windows
   * would be empty anyway); an earlier one would be judged against a fresh state. Returns the evicted keys.
   */
  evictIdle(watermark: number, idleMs?: number): string[];
  stats(): FeatureEngineStats;
}

const LATE: ProcessResult = Object.freeze({ verdict: 'LATE', vector: undefined, ready: false, outOfOrder: false });
const DUPLICATE: ProcessResult = Object.freeze({
  verdict: 'DUPLICATE',
  vector: undefined,
  ready: false,
  outOfOrder: false,
});

export function createFeatureEngine(featureSet: FeatureSet): FeatureEngine {
  const layout: FeatureLayout = featureLayout(featureSet);
  const states = new Map<string, KeyState>();
  const counters: EngineCounters & { accepted: number; late: number; duplicate: number } = {
    accepted: 0,
    late: 0,
    duplicate: 0,
    outOfOrder: 0,
    recomputes: 0,
  };
  const values = new Float64Array(layout.channelCount);
  const lateness = featureSet.allowedLatenessMs;

  return {
    featureSet,
    vectorLength: layout.vectorLength,

    process(event, out, options) {
      const t = event.eventTime;
      if (!Number.isSafeInteger(t)) {
        throw featuresError('VIGIL_FEATURES_BAD_EVENT', {
          key: event.key,
          eventId: event.eventId,
          reason: `eventTime must be integer epoch milliseconds, got ${t}`,
        });
      }
      let state = states.get(event.key);
      if (state === undefined) {
        state = new KeyState(layout);
        states.set(event.key, state);
      }
      const id = eventIdHash(event.eventId);
      if (state.ids.has(id)) {
        counters.duplicate++;
        return DUPLICATE;
      }
      if (t < state.maxTime - lateness) {
        counters.late++;
        return LATE;
      }
      for (let c = 0; c < layout.channelCount; c++) {
        const v = event.values[layout.channelNames[c]!];
        values[c] = typeof v === 'number' && Number.isFinite(v) ? v : Number.NaN;
      }
      let vector = out;
      if (vector === undefined) vector = new Float64Array(layout.vectorLength);
      else if (vector.length !== layout.vectorLength) {
        throw new RangeError(`out must hold ${layout.vectorLength} features, got ${vector.length}`);
      }
      counters.accepted++;
      if (t >= state.maxTime) {
        const ready = state.acceptInOrder(t, id, values, vector, counters, options?.readyOnly === true);
        return { verdict: 'ACCEPTED', vector, ready, outOfOrder: false };
      }
      const ready = state.acceptOutOfOrder(t, id, values, vector, counters);
      return { verdict: 'ACCEPTED', vector, ready, outOfOrder: true };
    },

    snapshot(key) {
      const state = states.get(key);
      return state === undefined ? undefined : snapshotKeyState(state);
    },

    restore(key, snapshot) {
      states.set(key, restoreKeyState(key, layout, snapshot));
    },

    keys() {
      return states.keys();
    },

    drop(key) {
      return states.delete(key);
    },

    evictIdle(watermark, idleMs = layout.retentionMs) {
      const evicted: string[] = [];
      for (const [key, state] of states) {
        if (state.maxTime < watermark - idleMs) {
          states.delete(key);
          evicted.push(key);
        }
      }
      return evicted;
    },

    stats() {
      let retainedEvents = 0;
      for (const state of states.values()) retainedEvents += state.buf.size;
      return {
        keys: states.size,
        accepted: counters.accepted,
        late: counters.late,
        duplicate: counters.duplicate,
        outOfOrder: counters.outOfOrder,
        recomputes: counters.recomputes,
        retainedEvents,
      };
    },
  };
}
