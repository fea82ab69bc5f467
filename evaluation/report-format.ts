/** The evaluation report as text (a Markdown table a person reads, or pastes into evaluation/README.md). */
import type { EvaluationReport, KindReport } from './metrics.js';

/** The targets: event-wise recall per kind and false alerts per asset per day. */
export const RECALL_TARGETS: Readonly<Record<string, number>> = {
  spike: 0.9,
  level_shift: 0.9,
  stuck: 0.9,
  overheating: 0.9,
  drift: 0.7,
};
export const FALSE_ALERTS_PER_ASSET_DAY_TARGET = 1;

const num = (v: number | null, digits = 3) => (v === null ? '–' : v.toFixed(digits));

function duration(ms: number | null): string {
  if (ms === null) return '–';
  if (ms < 120_000) return `${(ms / 1000).toFixed(0)} s`;
  if (ms < 7_200_000) return `${(ms / 60_000).toFixed(1)} min`;
  return `${(ms / 3_600_000).toFixed(1)} h`;
}

function target(kind: string, recall: number | null): string {
  const t = RECALL_TARGETS[kind];
  if (t === undefined) return '';
  return recall !== null && recall >= t ? ` (≥ ${t} ✓)` : ` (≥ ${t} ✗)`;
}

function row(label: string, k: Omit<KindReport, 'kind'>, kind?: string): string {
  return `| ${label} | ${k.faults} | ${k.event.detected} | ${num(k.event.recall)}${kind ? target(kind, k.event.recall) : ''} | ${num(k.event.precision)} | ${num(k.event.f1)} | ${duration(k.delayMs.median)} | ${duration(k.delayMs.p90)} | ${num(k.point.precision)} | ${num(k.point.recall)} | ${num(k.point.f1)} | ${k.point.readings} |`;
}

export function formatReport(r: EvaluationReport, title?: string): string {
  const lines: string[] = [];
  if (title) lines.push(title, '');
  lines.push(
    `period ${new Date(r.from).toISOString()} .. ${new Date(r.to).toISOString()} (${r.days.toFixed(2)} days), ${r.assets} assets, grace ${duration(r.graceMs)}`,
    '',
    '| fault kind | faults | detected | event recall | event precision | event F1 | delay median | delay p90 | point precision | point recall | point F1 | readings in faults |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
    ...r.kinds.map((k) => row(k.kind, k, k.kind)),
    row('**all**', r.overall),
    '',
  );
  const fa = r.falseAlertsPerAssetPerDay;
  const ok = fa !== null && fa < FALSE_ALERTS_PER_ASSET_DAY_TARGET ? '✓' : '✗';
  lines.push(
    `alerts: ${r.alerts.total} (${r.alerts.true} on faults, ${r.alerts.false} false); false alerts per asset per day: ${num(fa, 2)} (< ${FALSE_ALERTS_PER_ASSET_DAY_TARGET} ${ok})`,
    `normal readings: ${r.normal.readings} (${r.normal.flagged} flagged, ${num(r.normal.readings === 0 ? null : r.normal.flagged / r.normal.readings, 4)}); readings in the grace after a fault (not counted): ${r.afterFault.readings} (${r.afterFault.flagged} flagged)`,
  );
  return `${lines.join('\n')}\n`;
}

/** The targets the report misses, as short phrases (empty when all are met; kinds absent from the run are not judged). */
export function missedTargets(r: EvaluationReport): string[] {
  const missed: string[] = [];
  for (const k of r.kinds) {
    const t = RECALL_TARGETS[k.kind];
    if (t !== undefined && (k.event.recall ?? 0) < t) missed.push(`${k.kind} recall ${num(k.event.recall)} < ${t}`);
  }
  const fa = r.falseAlertsPerAssetPerDay;
  if (fa === null || fa >= FALSE_ALERTS_PER_ASSET_DAY_TARGET) {
    missed.push(`false alerts per asset per day ${num(fa, 2)} >= ${FALSE_ALERTS_PER_ASSET_DAY_TARGET}`);
  }
  return missed;
}

export function meetsTargets(r: EvaluationReport): boolean {
  return missedTargets(r).length === 0;
}
