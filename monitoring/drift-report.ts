/** `vigil drift` output (pure): one line per (model, window, target), drifted first, then by PSI, worst first. */
import type { DriftResult } from './drift-job.js';

export function sortWorstFirst(results: readonly DriftResult[]): DriftResult[] {
  return [...results].sort(
    (a, b) => Number(b.drifted) - Number(a.drifted) || b.psi - a.psi || a.target.localeCompare(b.target),
  );
}

export function formatDriftReport(results: readonly DriftResult[], limit = Number.POSITIVE_INFINITY): string {
  if (results.length === 0) return 'no live inferences of a production model in the drift windows\n';
  const header = ['STATUS', 'MODEL', 'VERSION', 'WINDOW', 'KIND', 'TARGET', 'PSI', 'JS', 'ROWS'];
  const sorted = sortWorstFirst(results);
  const lines = sorted
    .slice(0, limit)
    .map((r) => [
      r.drifted ? 'DRIFT' : 'ok',
      r.model,
      r.version,
      r.window,
      r.kind,
      r.target,
      r.psi.toFixed(3),
      r.jsDistance.toFixed(3),
      String(r.liveRows),
    ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const numeric = new Set([6, 7, 8]);
  const render = (cells: string[]) =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  const drifted = results.filter((r) => r.drifted).length;
  const more =
    sorted.length > lines.length ? `\n(${sorted.length - lines.length} more lines; --limit to see them)` : '';
  return `${[render(header), ...lines.map(render)].join('\n')}${more}\n${drifted} of ${results.length} measures drifted\n`;
}
