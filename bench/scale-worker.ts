/**
 * Child process of the scale suite (a fresh process per asset count, so RSS is this count's alone): the
 * processor's pipeline (feature windows, batched ONNX with the committed models, alert policy, feature maps as
 * the processor emits them) over `assets` assets at 1 Hz for `seconds` simulated seconds, fed in batches of
 * 4000 events. Prints one JSON line: events/s and memory after a full GC (run with --expose-gc).
 *
 *   node --expose-gc --import tsx bench/scale-worker.ts <assets> <seconds>
 */
import { createLogger } from '../adapters/logger.js';
import { loadConfig } from '../core/config/index.js';
import type { Order, SensorReading } from '../core/events/types.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import { type PipelineItem, ScoringPipeline } from '../core/scoring/index.js';
import { PlantSimulator } from '../producers/plant/plant-simulator.js';
import { DATASET_SEED, DATASET_START } from './lib/dataset.js';
import { openLiveModels } from './lib/scored-rows.js';

const assets = Number(process.argv[2]);
const seconds = Number(process.argv[3]);
const BATCH = 4000;
const gc = (globalThis as { gc?: () => void }).gc;
if (!(assets > 0 && seconds > 0) || gc === undefined) {
  process.stderr.write('usage: node --expose-gc --import tsx bench/scale-worker.ts <assets> <seconds>\n');
  process.exit(2);
}
const mb = (bytes: number) => bytes / 2 ** 20;
const memory = () => {
  gc();
  const m = process.memoryUsage();
  return { rss: mb(m.rss), heap: mb(m.heapUsed), buffers: mb(m.arrayBuffers) };
};

const config = loadConfig(process.env);
const { runtime, models } = await openLiveModels(config, createLogger('warn'));
const sim = new PlantSimulator(defaultPlant(), {
  seed: DATASET_SEED,
  start: DATASET_START,
  end: DATASET_START + seconds * 1000,
  assets,
  hz: 1,
});
const before = memory();
const pipeline = new ScoringPipeline<SensorReading | Order>(runtime.definition, models, runtime.alertPolicy);
let events = 0;
let scored = 0;
let busyMs = 0;
let batch: PipelineItem<SensorReading | Order>[] = [];
const flush = async () => {
  const t0 = performance.now();
  const out = await pipeline.process(batch, { emit: true, scoredAt: Date.now() });
  busyMs += performance.now() - t0;
  scored += out.inferences.length;
  batch = [];
};
for (let r = sim.next(); r !== null; r = sim.next()) {
  batch.push({ event: r, source: { topic: 'bench', partition: 0, offset: String(events++) } });
  if (batch.length >= BATCH) await flush();
}
if (batch.length > 0) await flush();
const after = memory();
process.stdout.write(
  `${JSON.stringify({
    assets,
    seconds,
    events,
    scored,
    keys: pipeline.keyCount(),
    eventsPerSecond: events / (busyMs / 1000),
    rssMb: after.rss,
    heapUsedMb: after.heap,
    arrayBuffersMb: after.buffers,
    stateMb: after.heap - before.heap + (after.buffers - before.buffers),
  })}\n`,
);
await models.close();
