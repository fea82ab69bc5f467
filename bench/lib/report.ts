/** The run's report: one JSON document (bench/results/<date>.json) and the table printed at the end. */
import type { MachineDetails } from './machine.js';
import type { Summary } from './stats.js';

export interface RatioRow {
  readonly name: string;
  readonly vigil: string;
  readonly ceiling: string;
  readonly ratio: Summary;
  readonly target: string;
}

export interface LatencyRow {
  readonly loadShare: number;
  readonly targetRate: number;
  readonly achievedRate: number;
  readonly scored: number;
  readonly eventToScoreP50Ms: number;
  readonly eventToScoreP99Ms: number;
  readonly eventToDurableP50Ms: number;
  readonly eventToDurableP99Ms: number;
  /** How far the fixed-rate publisher fell behind its schedule at worst (adds to every latency). */
  readonly publisherMaxBehindMs: number;
  /** CPU of the processor's process (every thread: the engine's inserts too) per event published in the level. */
  readonly cpuPerEventUs: number;
  /** Share of the level's time the processor's event loop was busy (waiting events wait behind it). */
  readonly eventLoopBusy: number;
}

export interface ScaleRow {
  readonly assets: number;
  readonly simulatedSeconds: number;
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly retainedEvents: number;
  readonly rssMb: number;
  readonly heapUsedMb: number;
  readonly arrayBuffersMb: number;
  /** Feature state only (heap + typed arrays after GC, minus the same process before): the windows' cost. */
  readonly stateMb: number;
  readonly bytesPerRetainedEvent: number;
  /** stateMb scaled to every window full (assets x 930 retained events), when the run could not fill them. */
  readonly fullWindowStateMbEstimate: number;
}

export interface BenchReport {
  readonly date: string;
  readonly mode: 'quick' | 'full';
  elapsedSeconds: number;
  readonly machine: MachineDetails;
  readonly dataset: Record<string, number | string>;
  readonly rates: Record<string, Summary>;
  readonly ratios: RatioRow[];
  readonly latency: LatencyRow[];
  readonly scale: ScaleRow[];
  readonly notes: string[];
  readonly skipped: string[];
}

const fmt = (n: number, digits = 0) =>
  Number.isFinite(n)
    ? n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits })
    : 'n/a';

export function formatSummary(s: Summary | undefined, digits = 0): string {
  if (s === undefined || s.runs === 0) return 'n/a';
  return `${fmt(s.median, digits)} (${fmt(s.min, digits)}–${fmt(s.max, digits)}, n=${s.runs})`;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ')} |`;
  return [line(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.map(line)].join('\n');
}

/** Markdown tables (printed, and pasted into bench/README.md for a representative run). */
export function renderReport(r: BenchReport): string {
  const m = r.machine;
  const parts: string[] = [
    `## Vigil bench, ${r.date} (${r.mode}, ${fmt(r.elapsedSeconds)} s)`,
    `Machine: ${m.cpuModel}, ${m.cores} cores, ${m.memoryGb} GB (load ${m.loadAverage1m} at start); node ${m.node}; ${m.java}; ${m.python}; ${m.kernel}`,
    `Dataset: ${Object.entries(r.dataset)
      .map(([k, v]) => `${k}=${v}`)
      .join(', ')}`,
    '',
    '### Rates (events/s, median (min–max, runs))',
    table(
      ['measure', 'events/s'],
      Object.entries(r.rates).map(([k, s]) => [k, formatSummary(s)]),
    ),
    '',
    '### Vigil against its ceilings',
    table(
      ['ratio', 'Vigil', 'ceiling', 'ratio median (min–max)', 'target'],
      r.ratios.map((x) => [x.name, x.vigil, x.ceiling, formatSummary(x.ratio, 3), x.target]),
    ),
  ];
  if (r.latency.length > 0) {
    parts.push(
      '',
      '### Latency under load (ms)',
      table(
        [
          'load',
          'target ev/s',
          'achieved ev/s',
          'scored',
          'score p50',
          'score p99',
          'durable p50',
          'durable p99',
          'publisher behind (max)',
          'CPU µs/event',
          'event loop busy',
        ],
        r.latency.map((l) => [
          `${Math.round(l.loadShare * 100)} %`,
          fmt(l.targetRate),
          fmt(l.achievedRate),
          fmt(l.scored),
          fmt(l.eventToScoreP50Ms, 1),
          fmt(l.eventToScoreP99Ms, 1),
          fmt(l.eventToDurableP50Ms, 1),
          fmt(l.eventToDurableP99Ms, 1),
          fmt(l.publisherMaxBehindMs, 1),
          fmt(l.cpuPerEventUs, 0),
          `${fmt(l.eventLoopBusy * 100, 0)} %`,
        ]),
      ),
    );
  }
  if (r.scale.length > 0) {
    parts.push(
      '',
      '### Scale (assets at 1 Hz simulated time; features + batched ONNX in one process)',
      table(
        [
          'assets',
          'sim s',
          'events',
          'events/s',
          'retained',
          'RSS MB',
          'heap MB',
          'typed MB',
          'state MB',
          'B/retained event',
          'state MB, full 15-min windows (est.)',
        ],
        r.scale.map((s) => [
          fmt(s.assets),
          fmt(s.simulatedSeconds),
          fmt(s.events),
          fmt(s.eventsPerSecond),
          fmt(s.retainedEvents),
          fmt(s.rssMb),
          fmt(s.heapUsedMb),
          fmt(s.arrayBuffersMb),
          fmt(s.stateMb, 1),
          fmt(s.bytesPerRetainedEvent),
          fmt(s.fullWindowStateMbEstimate),
        ]),
      ),
    );
  }
  if (r.notes.length > 0) parts.push('', '### Notes', ...r.notes.map((n) => `- ${n}`));
  if (r.skipped.length > 0) parts.push('', '### Skipped', ...r.skipped.map((n) => `- ${n}`));
  return `${parts.join('\n')}\n`;
}
