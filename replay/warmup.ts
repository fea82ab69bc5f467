/**
 * Where a key's replay starts so that its features equal the live stream's bit for bit. Pure.
 *
 * Why not simply "longest window + lateness before --from": that is enough for the windows to hold the same
 * events, but not for the same bits. The feature engine keeps running sums that it re-bases from time to time
 * (core/features/key-state.ts: when the base is older than two windows, after many removals, when a window
 * empties), and when it re-bases depends on the key's whole history since its state was last fresh. Two runs
 * that start a key at different points hold the same windows but different rounding (about 1e-15 relative).
 *
 * A key's state is fresh, whatever came before, at its first event ever and at the first event after a gap
 * longer than the retention R (longest window + lateness): every window has emptied, every retained event and
 * id has been dropped, the next event re-bases from zero exactly like a new key. Accepted events split cleanly
 * at such a gap in arrival order too (anything older arriving later would have been late), so replaying from
 * the latest such point before the range reproduces the live state exactly. That point is searched back at
 * most `maxWarmupMs` (VIGIL_REPLAY_MAX_WARMUP); a key that has reported without a gap for longer falls back to
 * a warm-up of R and is counted as approximate: same windows, same events, features equal to ~1e-12 relative,
 * scores well within 1e-6.
 */

export interface KeyHistory {
  readonly key: string;
  /** Time of the key's first stored event ever; undefined when it has none. */
  readonly firstEver: number | undefined;
  /** Event times (ascending) of the searched frame whose previous event is more than R older. */
  readonly gapStarts: readonly number[];
  /** The key's first event at or after the chunk start, if the frame holds one. */
  readonly firstAtOrAfter: number | undefined;
}

export interface WarmStart {
  readonly key: string;
  /** Replay this key's events from this time on (inclusive). */
  readonly start: number;
  /** True when `start` is a point where the live state was fresh too (bit-for-bit parity). */
  readonly exact: boolean;
}

export function warmStart(history: KeyHistory, chunkFrom: number, retentionMs: number, maxWarmupMs: number): WarmStart {
  const approximate = { key: history.key, start: chunkFrom - retentionMs, exact: false };
  if (history.firstEver === undefined) return { key: history.key, start: chunkFrom, exact: true };
  const lowest = chunkFrom - Math.max(maxWarmupMs, retentionMs);
  const limit = history.firstAtOrAfter ?? chunkFrom;
  let best: number | undefined;
  const consider = (t: number) => {
    if (t >= lowest && t <= limit && (best === undefined || t > best)) best = t;
  };
  consider(history.firstEver);
  for (const t of history.gapStarts) consider(t);
  if (best === undefined) return approximate;
  return { key: history.key, start: Math.min(best, chunkFrom), exact: true };
}

/** The time frame the gap search must read for a chunk: [lowest possible start, a little past the chunk start]. */
export function gapSearchFrame(
  chunkFrom: number,
  chunkTo: number,
  retentionMs: number,
  maxWarmupMs: number,
): { from: number; to: number } {
  return { from: chunkFrom - Math.max(maxWarmupMs, retentionMs), to: Math.min(chunkTo, chunkFrom + retentionMs) };
}
