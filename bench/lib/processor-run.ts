/**
 * A StreamProcessor in this process against a space's topics and the bench's ClickHouse, and the measure the
 * pipeline is judged by: committed offsets (an offset is committed only once its outputs are durable).
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import type { Logger } from '../../adapters/logger.js';
import { createMetricsRegistry, type Registry } from '../../adapters/metrics.js';
import { liveAlertRulesFor } from '../../alert-workflow/index.js';
import type { Config } from '../../core/config/index.js';
import { assetTypes } from '../../core/plant/catalogue.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import { modelDirSource } from './model-dir-source.js';

export interface RunningProcessor {
  readonly processor: StreamProcessor;
  readonly metrics: Registry;
  readonly group: string;
  /** Sum over partitions of committed offsets (0 for partitions without a commit). */
  committed(topic: string): Promise<bigint>;
  stop(): Promise<void>;
}

export async function startProcessor(
  config: Config,
  logger: Logger,
  clickhouse: ClickHouse,
): Promise<RunningProcessor> {
  const metrics = createMetricsRegistry();
  const group = `bench-processor-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  let fatal: unknown;
  const processor = new StreamProcessor({
    stream: 'sensors',
    config,
    logger,
    clickhouse,
    metrics,
    models: modelDirSource(config.processor.modelsDir),
    subjects: assetTypes(),
    groupId: group,
    publishAllInferences: config.processor.publishAllInferences,
    // As `vigil process` runs it: the rules refresh is part of the stream's cost.
    alertRules: liveAlertRulesFor('sensors', clickhouse, config, logger),
    onFatal: (error) => {
      fatal = error;
    },
  });
  const admin = createKafkaClient(config, logger, { clientIdSuffix: 'bench-offsets' }).admin();
  await admin.connect();
  await processor.start();
  return {
    processor,
    metrics,
    group,
    async committed(topic) {
      if (fatal !== undefined) throw fatal;
      const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
      return (entry?.partitions ?? []).reduce((sum, p) => sum + (BigInt(p.offset) > 0n ? BigInt(p.offset) : 0n), 0n);
    },
    async stop() {
      await processor.stop();
      await admin.disconnect();
    },
  };
}

/** Empties the tables the processor writes, so every repetition inserts into the same state. */
export async function truncateOutputs(clickhouse: ClickHouse): Promise<void> {
  for (const table of ['sensor_readings', 'features', 'inferences', 'alerts', 'dead_letters']) {
    await clickhouse.command(`TRUNCATE TABLE IF EXISTS ${table}`);
  }
}

/** Polls `check` every `intervalMs` until it returns true or `timeoutMs` passes (then throws with `what`). */
export async function pollUntil(
  check: () => Promise<boolean>,
  what: string,
  timeoutMs: number,
  intervalMs = 200,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
