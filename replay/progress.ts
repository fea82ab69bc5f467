/** Progress of a replay as numbers and as one line of text (rate, ETA). Pure: time is passed in. */

export interface Progress {
  readonly doneChunks: number;
  readonly totalChunks: number;
  /** Chunks finished by an earlier pass of the run (skipped now). */
  readonly skippedChunks: number;
  readonly events: number;
  readonly elapsedMs: number;
}

export function eventsPerSecond(p: Progress): number {
  return p.elapsedMs > 0 ? (p.events * 1000) / p.elapsedMs : 0;
}

/** Remaining time from the pace of the chunks done in this pass; undefined before the first one. */
export function etaMs(p: Progress): number | undefined {
  const doneNow = p.doneChunks - p.skippedChunks;
  if (doneNow <= 0) return undefined;
  return Math.round((p.elapsedMs / doneNow) * (p.totalChunks - p.doneChunks));
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

export function formatProgress(p: Progress): string {
  const percent = p.totalChunks === 0 ? 100 : Math.floor((p.doneChunks * 100) / p.totalChunks);
  const eta = etaMs(p);
  return [
    `chunks ${p.doneChunks}/${p.totalChunks} (${percent}%)`,
    `${p.events} events`,
    `${Math.round(eventsPerSecond(p))} events/s`,
    `ETA ${eta === undefined ? '?' : formatDuration(eta)}`,
  ].join(' · ');
}
