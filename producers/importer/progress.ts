/** One-line progress for long imports on a terminal: percent, rows, rate and ETA (the clock is handed in). */

function compact(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(1)}k`;
  return String(Math.round(n));
}

function clock(seconds: number): string {
  if (!Number.isFinite(seconds)) return '--:--';
  const s = Math.max(0, Math.round(seconds));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const rest = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${rest}` : `${m}:${rest}`;
}

export function progressLine(bytesRead: number, totalBytes: number, rows: number, elapsedMs: number): string {
  const fraction = totalBytes > 0 ? Math.min(1, bytesRead / totalBytes) : 1;
  const seconds = elapsedMs / 1000;
  const rate = seconds > 0 ? rows / seconds : 0;
  const eta = fraction > 0 && seconds > 0 ? (seconds / fraction) * (1 - fraction) : Number.POSITIVE_INFINITY;
  return `${(fraction * 100).toFixed(1).padStart(5)}%  ${compact(rows)} rows  ${compact(rate)} rows/s  ETA ${clock(eta)}`;
}

/** A reporter that redraws at most every `intervalMs`, writing `\r<line>` to `write`. */
export function progressReporter(write: (text: string) => void, now: () => number, intervalMs = 250) {
  const started = now();
  let last = Number.NEGATIVE_INFINITY;
  return {
    update(p: { bytesRead: number; totalBytes: number; rows: number }): void {
      const t = now();
      if (t - last < intervalMs) return;
      last = t;
      write(`\r${progressLine(p.bytesRead, p.totalBytes, p.rows, t - started)}`);
    },
    done(): void {
      if (last !== Number.NEGATIVE_INFINITY) write('\n');
    },
  };
}
