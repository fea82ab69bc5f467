/**
 * Snapshot/restore of one key's feature state as plain JSON data. Everything that influences a later vector is
 * carried exactly (floats as base64 bytes), and positions are re-based to start at 0, so a restored state gives
 * bit-identical results to an uninterrupted one.
 */
import { featuresError } from './errors.js';
import type { FeatureLayout } from './feature-layout.js';
import { KeyState } from './key-state.js';
import { decodeFloat64, encodeFloat64 } from './typed-array-codec.js';
import { MOMENTS } from './window-moments.js';

export const KEY_STATE_FORMAT = 'vigil.features.key-state/1';

export interface KeyStateSnapshot {
  readonly format: typeof KEY_STATE_FORMAT;
  /** The feature set the state was computed for; restoring into another one is refused. */
  readonly featureSetHash: string;
  /** Newest accepted event time; null when nothing was accepted. */
  readonly maxTime: number | null;
  readonly times: string;
  readonly ids: string;
  readonly values: readonly string[];
  /** Per window, relative to the oldest retained event. */
  readonly windowStart: readonly number[];
  readonly windowBase: readonly number[];
  readonly moments: string;
  /** Per channel: buffer positions relative to the oldest retained event. */
  readonly minDeques: readonly string[];
  readonly maxDeques: readonly string[];
  /** Per (window, channel): index relative to the deque's head. */
  readonly minPointers: readonly number[];
  readonly maxPointers: readonly number[];
  readonly lastValues: string;
  readonly previousValues: string;
}

export function snapshotKeyState(state: KeyState): KeyStateSnapshot {
  const { buf, layout } = state;
  const C = layout.channelCount;
  const W = layout.windowCount;
  const relative = (positions: Float64Array): Float64Array => positions.map((p) => p - buf.head);
  return {
    format: KEY_STATE_FORMAT,
    featureSetHash: layout.set.hash,
    maxTime: Number.isFinite(state.maxTime) ? state.maxTime : null,
    times: encodeFloat64(buf.slice(buf.times)),
    ids: encodeFloat64(buf.slice(buf.ids)),
    values: buf.values.map((column) => encodeFloat64(buf.slice(column))),
    windowStart: Array.from(state.start, (s) => s - buf.head),
    windowBase: Array.from(state.base),
    moments: encodeFloat64(state.moments),
    minDeques: state.minDeques.map((dq) => encodeFloat64(relative(dq.toArray()))),
    maxDeques: state.maxDeques.map((dq) => encodeFloat64(relative(dq.toArray()))),
    minPointers: Array.from({ length: W * C }, (_, i) => state.minPointers[i]! - state.minDeques[i % C]!.head),
    maxPointers: Array.from({ length: W * C }, (_, i) => state.maxPointers[i]! - state.maxDeques[i % C]!.head),
    lastValues: encodeFloat64(state.lastValues),
    previousValues: encodeFloat64(state.previousValues),
  };
}

export function restoreKeyState(key: string, layout: FeatureLayout, snapshot: KeyStateSnapshot): KeyState {
  const fail = (reason: string): never => {
    throw featuresError('VIGIL_FEATURES_SNAPSHOT_INVALID', { key, reason });
  };
  if (snapshot?.format !== KEY_STATE_FORMAT) fail(`unknown format (expected ${KEY_STATE_FORMAT})`);
  if (snapshot.featureSetHash !== layout.set.hash) {
    fail(
      `it was taken for feature set hash ${snapshot.featureSetHash}, the engine runs ${layout.set.name} v${layout.set.version} (${layout.set.hash})`,
    );
  }
  const C = layout.channelCount;
  const W = layout.windowCount;
  try {
    const state = new KeyState(layout);
    const times = decodeFloat64(snapshot.times);
    const ids = decodeFloat64(snapshot.ids);
    const values = snapshot.values.map(decodeFloat64);
    const moments = decodeFloat64(snapshot.moments);
    const lengthsOk =
      ids.length === times.length &&
      values.length === C &&
      values.every((v) => v.length === times.length) &&
      moments.length === W * C * MOMENTS &&
      snapshot.windowStart.length === W &&
      snapshot.windowBase.length === W &&
      snapshot.minDeques.length === C &&
      snapshot.maxDeques.length === C &&
      snapshot.minPointers.length === W * C &&
      snapshot.maxPointers.length === W * C;
    if (!lengthsOk) fail('its arrays do not match the feature set (channels or windows differ)');
    state.buf.load(times, ids, values);
    for (const id of ids) state.ids.add(id);
    state.maxTime = snapshot.maxTime ?? Number.NEGATIVE_INFINITY;
    state.start.set(snapshot.windowStart);
    state.base.set(snapshot.windowBase);
    state.moments.set(moments);
    for (let c = 0; c < C; c++) {
      state.minDeques[c]!.load(decodeFloat64(snapshot.minDeques[c]!));
      state.maxDeques[c]!.load(decodeFloat64(snapshot.maxDeques[c]!));
    }
    state.minPointers.set(snapshot.minPointers);
    state.maxPointers.set(snapshot.maxPointers);
    state.lastValues.set(decodeFloat64(snapshot.lastValues));
    state.previousValues.set(decodeFloat64(snapshot.previousValues));
    return state;
  } catch (error) {
    if (error instanceof Error && 'code' in error) throw error;
    return fail(`it is malformed (${error instanceof Error ? error.message : String(error)})`);
  }
}
