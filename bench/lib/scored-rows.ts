/**
 * The processor's outputs for a slice of the dataset, computed in-process with the processor's own pipeline and
 * the committed models: raw rows, feature rows, inference rows and alerts exactly as OutputWriter maps them, plus
 * the pump feature vectors the ONNX suite scores.
 */
import { alertRow, featureRow, inferenceRow } from '../../adapters/clickhouse/rows.js';
import type { Row } from '../../adapters/clickhouse/types.js';
import type { Logger } from '../../adapters/logger.js';
import type { Config } from '../../core/config/index.js';
import type { Order, SensorReading } from '../../core/events/types.js';
import { assetTypes } from '../../core/plant/catalogue.js';
import { type PipelineItem, ScoringPipeline } from '../../core/scoring/index.js';
import { LiveModels } from '../../stream-processors/live-models.js';
import { streamRuntime } from '../../stream-processors/streams.js';
import { modelDirSource } from './model-dir-source.js';

export interface ProcessorRows {
  readonly raw: Row[];
  readonly features: Row[];
  readonly inferences: Row[];
  readonly alerts: Row[];
}

export async function openLiveModels(config: Config, logger: Logger) {
  const runtime = streamRuntime('sensors', config);
  const models = new LiveModels({
    stream: 'sensors',
    featureSetOf: (s) => runtime.definition.featureSet(s),
    source: modelDirSource(config.processor.modelsDir),
    logger,
  });
  await models.loadAll(assetTypes());
  return { runtime, models };
}

/**
 * Runs `readings` through the pipeline in batches of `batchSize`; returns the output rows of the batches that
 * start at or after `keepFrom` (the early batches warm the windows up and produce no inferences yet).
 */
export async function processorRows(
  config: Config,
  logger: Logger,
  readings: readonly SensorReading[],
  batchSize: number,
  keepFrom = 0,
): Promise<ProcessorRows[]> {
  const { runtime, models } = await openLiveModels(config, logger);
  try {
    const pipeline = new ScoringPipeline<SensorReading | Order>(runtime.definition, models, runtime.alertPolicy);
    const batches: ProcessorRows[] = [];
    for (let i = 0; i < readings.length; i += batchSize) {
      const items: PipelineItem<SensorReading | Order>[] = readings
        .slice(i, i + batchSize)
        .map((event, k) => ({ event, source: { topic: 'bench', partition: 0, offset: String(i + k) } }));
      const scored = await pipeline.process(items, { emit: i >= keepFrom, scoredAt: Date.now() });
      if (i < keepFrom) continue;
      batches.push({
        raw: scored.accepted.map((a) => runtime.rawRow(a.event, a.source)),
        features: scored.features.map((f) => featureRow(f)),
        inferences: scored.inferences.map((x) => inferenceRow(x, {}, 'features-table')),
        alerts: scored.alerts.map((a) => alertRow(a)),
      });
    }
    return batches;
  } finally {
    await models.close();
  }
}
