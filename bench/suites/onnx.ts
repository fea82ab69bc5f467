/**
 * Batched ONNX: the same feature vectors scored in micro-batches (as the processor's pipeline makes them: one
 * model call per model per fetched batch) against one large call over all of them, with the processor's session
 * settings (CPU, one intra-op thread). Model: the committed sensors-pump default; vectors: the feature engine's
 * output on the dataset's pumps (the first vectors of a window are as valid as later ones for timing).
 */
import { resolve } from 'node:path';
import { openModelDir } from '../../adapters/onnx/index.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { createFeatureEngine } from '../../core/features/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';

export interface OnnxRates {
  readonly microBatchRowsPerSecond: number;
  readonly oneCallRowsPerSecond: number;
  readonly rows: number;
  readonly microBatch: number;
}

export async function onnxRates(
  config: Config,
  readings: readonly SensorReading[],
  microBatch: number,
  maxRows: number,
): Promise<OnnxRates> {
  const definition = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  const set = definition.featureSet('pump');
  if (set === undefined) throw new Error('no pump feature set');
  const engine = createFeatureEngine(set);
  const width = engine.vectorLength;
  const flat: number[] = [];
  for (const r of readings) {
    if (r.assetType !== 'pump') continue;
    const result = engine.process(definition.toFeatureEvent(r));
    if (result.verdict !== 'ACCEPTED' || result.vector === undefined) continue;
    for (let i = 0; i < width; i++) flat.push(Number.isFinite(result.vector[i]!) ? result.vector[i]! : 0);
    if (flat.length / width >= maxRows) break;
  }
  const rows = flat.length / width;
  const data = Float32Array.from(flat);
  const { scorer } = await openModelDir(resolve(config.processor.modelsDir, 'sensors-pump'), set);
  try {
    // Warm-up of both shapes: the first call at a new size grows the runtime's arenas, a one-off cost.
    await scorer.scoreBatch(data.subarray(0, Math.min(rows, microBatch) * width), Math.min(rows, microBatch));
    await scorer.scoreBatch(data, rows);
    let t0 = performance.now();
    for (let start = 0; start < rows; start += microBatch) {
      const n = Math.min(microBatch, rows - start);
      await scorer.scoreBatch(data.subarray(start * width, (start + n) * width), n);
    }
    const microSeconds = (performance.now() - t0) / 1000;
    t0 = performance.now();
    await scorer.scoreBatch(data, rows);
    const oneSeconds = (performance.now() - t0) / 1000;
    return { microBatchRowsPerSecond: rows / microSeconds, oneCallRowsPerSecond: rows / oneSeconds, rows, microBatch };
  } finally {
    await scorer.close();
  }
}
