/**
 * The whole pipeline (decode, contract checks, features, batched ONNX, alerts, ClickHouse + Kafka outputs, offset
 * commits) in this process, from a pre-filled topic until every record is committed. The rate counts from the
 * first commit (group join and model loading excluded) to the last; commits are polled every 200 ms.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import type { Config } from '../../core/config/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { pollUntil, startProcessor, truncateOutputs } from '../lib/processor-run.js';

export interface PipelineRun {
  readonly eventsPerSecond: number;
  /** Share of the processor's wall time spent in model calls and in making outputs durable. */
  readonly modelShare: number;
  readonly sinkShare: number;
  readonly scored: number;
}

async function histogramSum(metrics: import('prom-client').Registry, name: string): Promise<number> {
  const metric = await metrics.getSingleMetric(name)?.get();
  const values = (metric?.values ?? []) as { metricName?: string; value: number }[];
  return values.filter((v) => v.metricName?.endsWith('_sum')).reduce((s, v) => s + v.value, 0);
}

export async function pipelineRate(
  config: Config,
  logger: Logger,
  clickhouse: ClickHouse,
  records: number,
): Promise<PipelineRun> {
  await truncateOutputs(clickhouse);
  const topic = topicsFromConfig(config).sensorReadings.name;
  const run = await startProcessor(config, logger, clickhouse);
  try {
    let firstCommitted = 0n;
    let firstAt = 0;
    await pollUntil(
      async () => {
        const committed = await run.committed(topic);
        if (firstAt === 0 && committed > 0n) {
          firstAt = performance.now();
          firstCommitted = committed;
        }
        return committed >= BigInt(records);
      },
      `the processor to commit ${records} records`,
      600_000,
    );
    const seconds = (performance.now() - firstAt) / 1000;
    const modelSeconds = await histogramSum(run.metrics, 'vigil_processor_model_seconds');
    const sinkSeconds = await histogramSum(run.metrics, 'vigil_processor_sink_seconds');
    const scored = (await run.metrics.getSingleMetric('vigil_processor_events_scored_total')?.get())?.values ?? [];
    return {
      eventsPerSecond: Number(BigInt(records) - firstCommitted) / seconds,
      modelShare: modelSeconds / seconds,
      sinkShare: sinkSeconds / seconds,
      scored: scored.reduce((s, v) => s + v.value, 0),
    };
  } finally {
    await run.stop();
  }
}
