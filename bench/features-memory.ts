/**
 * Feature engine memory and throughput: N keys x 8 channels x windows 1/5/15 min at 1 Hz. Fills every key's
 * 15-minute window, then prints the memory held (V8 heap + typed-array buffers) and the events/s of `process`.
 * Prints numbers, asserts nothing.
 *
 *   node --expose-gc --import tsx bench/features-memory.ts [keys,keys...]   (default 100,10000)
 */
import { createFeatureEngine, deriveFeatureSet } from '../core/features/index.js';

const CHANNELS = [
  'vibration_rms',
  'bearing_temp',
  'motor_current',
  'flow',
  'suction_pressure',
  'discharge_pressure',
  'rpm',
  'oil_temp',
];
const keyCounts = (process.argv[2] ?? '100,10000').split(',').map(Number);
const gc = (globalThis as { gc?: () => void }).gc;

function memoryMb(): { heap: number; buffers: number } {
  gc?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed / 2 ** 20, buffers: m.arrayBuffers / 2 ** 20 };
}

for (const keys of keyCounts) {
  const set = deriveFeatureSet('pump', CHANNELS, {
    windowsMs: [60_000, 300_000, 900_000],
    allowedLatenessMs: 30_000,
    warmupSpanFraction: 0.9,
    warmupMinEvents: 0,
  });
  const before = memoryMb();
  const engine = createFeatureEngine(set);
  const out = new Float64Array(engine.vectorLength);
  const values: Record<string, number> = {};
  const keyNames = Array.from({ length: keys }, (_, i) => `asset-${i}`);
  const t0 = 1_700_000_000_000;
  const seconds = 930; // the 15-minute window plus the lateness
  let events = 0;
  let seed = 1;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const started = process.hrtime.bigint();
  for (let s = 0; s < seconds; s++) {
    for (let k = 0; k < keys; k++) {
      for (let c = 0; c < CHANNELS.length; c++) values[CHANNELS[c]!] = 10 * c + random();
      engine.process({ key: keyNames[k]!, eventId: `${k}-${s}`, eventTime: t0 + s * 1_000, values }, out);
      events++;
    }
  }
  const elapsedS = Number(process.hrtime.bigint() - started) / 1e9;
  const after = memoryMb();
  const stats = engine.stats();
  const heldMb = after.heap - before.heap + (after.buffers - before.buffers);
  console.log(
    [
      `keys=${keys}`,
      `features/vector=${engine.vectorLength}`,
      `events=${events}`,
      `retained=${stats.retainedEvents}`,
      `heapUsedMB=${(after.heap - before.heap).toFixed(1)}`,
      `typedArraysMB=${(after.buffers - before.buffers).toFixed(1)}`,
      `totalMB=${heldMb.toFixed(1)}`,
      `bytes/key=${Math.round((heldMb * 2 ** 20) / keys)}`,
      `events/s=${Math.round(events / elapsedS)}`,
      `recomputes=${stats.recomputes}`,
      gc ? '' : '(run with --expose-gc for exact memory)',
    ].join(' '),
  );
  // Keep the engine alive until measured.
  if (stats.keys !== keys) throw new Error('bench bug: keys missing');
}
