/**
 * Scale: the processor's pipeline at 100, 10 000 and 100 000 assets (1 Hz simulated time), each in its own
 * process (bench/scale-worker.ts). Simulated seconds are bounded so the suite fits its time budget: where the
 * run is shorter than the 15-minute window + 30 s lateness, the memory of full windows is estimated as the
 * per-key state of a run that did fill them times the asset count (never below what was measured).
 */
import { spawn } from 'node:child_process';
import type { ScaleRow } from '../lib/report.js';

const FULL_WINDOW_SECONDS = 930;

export async function scaleRun(assets: number, seconds: number, env: Record<string, string>): Promise<ScaleRow> {
  const child = spawn(
    process.execPath,
    [
      '--expose-gc',
      '--max-old-space-size=8192',
      '--import',
      'tsx',
      'bench/scale-worker.ts',
      String(assets),
      String(seconds),
    ],
    { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`scale worker (${assets} assets) exited with ${code}`);
  const r = JSON.parse(out.trim().split('\n').pop() ?? '{}') as {
    events: number;
    eventsPerSecond: number;
    rssMb: number;
    heapUsedMb: number;
    arrayBuffersMb: number;
    stateMb: number;
  };
  // Readings the windows hold: every event of the run while it is shorter than window + lateness.
  const retained = Math.round(r.events * Math.min(1, FULL_WINDOW_SECONDS / seconds));
  const bytesPerRetained = (r.stateMb * 2 ** 20) / Math.max(1, retained);
  return {
    assets,
    simulatedSeconds: seconds,
    events: r.events,
    eventsPerSecond: r.eventsPerSecond,
    retainedEvents: retained,
    rssMb: r.rssMb,
    heapUsedMb: r.heapUsedMb,
    arrayBuffersMb: r.arrayBuffersMb,
    stateMb: r.stateMb,
    bytesPerRetainedEvent: bytesPerRetained,
    // Filled in by fullWindowEstimates once a run with full windows gives the per-key cost.
    fullWindowStateMbEstimate: seconds >= FULL_WINDOW_SECONDS ? r.stateMb : Number.NaN,
  };
}

/** Full-window memory per row: the per-key state of a full-window run times the assets (at least the measured). */
export function fullWindowEstimates(rows: readonly ScaleRow[]): ScaleRow[] {
  const full = rows.find((r) => r.simulatedSeconds >= FULL_WINDOW_SECONDS);
  if (full === undefined) return [...rows];
  const perKeyMb = full.stateMb / full.assets;
  return rows.map((r) => ({ ...r, fullWindowStateMbEstimate: Math.max(r.stateMb, perKeyMb * r.assets) }));
}
