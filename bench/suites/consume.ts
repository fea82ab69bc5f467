/**
 * The ceiling the pipeline is judged against (architecture: "raw consume + decode on the same broker in the same
 * run"): a kafkajs consumer, eachBatch, one partition at a time like the processor, Avro decode of every record
 * with the same codec fast path (prepareBatch + decodeCached). Optionally the feature engine runs on each decoded
 * event too: that is Vigil on exactly the job the Quix Streams peer does (windows only, no model, no sink).
 * Timed from the first batch to the last record: group join is excluded, as ConsumerPerformance's fetch rate does.
 */

import { createKafkaClient } from '../../adapters/kafka/client.js';
import type { Logger } from '../../adapters/logger.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { createFeatureEngine, type FeatureEngine } from '../../core/features/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import type { ReadingCodec } from '../lib/dataset.js';

export interface ConsumeOptions {
  readonly records: number;
  /** Run Vigil's feature engine (the processor's windows, all features) on every decoded event. */
  readonly features: boolean;
  readonly timeoutMs?: number;
}

export async function rawConsumeRate(
  config: Config,
  logger: Logger,
  codec: ReadingCodec,
  options: ConsumeOptions,
): Promise<number> {
  const topic = topicsFromConfig(config).sensorReadings.name;
  const definition = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  const engines = new Map<string, FeatureEngine>();
  const engineOf = (assetType: string) => {
    let engine = engines.get(assetType);
    if (engine === undefined) {
      const set = definition.featureSet(assetType);
      if (set === undefined) throw new Error(`no feature set for ${assetType}`);
      engine = createFeatureEngine(set);
      engines.set(assetType, engine);
    }
    return engine;
  };
  const consumer = createKafkaClient(config, logger, { clientIdSuffix: 'bench-raw' }).consumer({
    groupId: `bench-raw-${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`,
    maxBytesPerPartition: config.processor.maxBatchBytes,
  });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  let consumed = 0;
  let decoded = 0;
  let firstAt = 0;
  let done: () => void = () => {};
  const finished = new Promise<void>((resolve) => {
    done = resolve;
  });
  try {
    await consumer.run({
      eachBatch: async ({ batch }) => {
        if (firstAt === 0) firstAt = performance.now();
        const values = batch.messages.map((m) => m.value);
        const preparing = codec.prepareBatch(values);
        if (preparing) await preparing;
        for (const value of values) {
          const event = value === null ? undefined : (codec.decodeCached(value) as SensorReading | undefined);
          if (event !== undefined) {
            decoded++;
            if (options.features) engineOf(event.assetType).process(definition.toFeatureEvent(event));
          }
        }
        consumed += batch.messages.length;
        if (consumed >= options.records) done();
      },
    });
    const timeout = new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new Error(`raw consume read ${consumed} of ${options.records} records in time`)),
        options.timeoutMs ?? 300_000,
      ).unref(),
    );
    await Promise.race([finished, timeout]);
    const seconds = (performance.now() - firstAt) / 1000;
    if (decoded < consumed * 0.99) throw new Error(`only ${decoded} of ${consumed} records decoded`);
    return consumed / seconds;
  } finally {
    await consumer.disconnect();
  }
}
