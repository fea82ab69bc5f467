/**
 * Scale: the processor's pipeline at 100, 10 000 and 100 000 assets (1 Hz simulated time), each in its own
 * process (bench/scale-worker.ts). Simulated seconds are bounded so the suite fits its time budget: where the
 * run is shorter than the 15-minute window + 30 s lateness, the memory of full windows is estimated from the
 * measured bytes per retained event (state grows with retained events; the per-key fixed part is included).
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
    fullWindowStateMbEstimate:
      seconds >= FULL_WINDOW_SECONDS ? r.stateMb : (bytesPerRetained * assets * FULL_WINDOW_SECONDS) / 2 ** 20,
  };
}
