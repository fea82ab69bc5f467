/**
 * The events every suite shares: the plant simulator's readings (fixed seed, 1 Hz per asset, its data problems
 * included), Avro-encoded once in the Confluent wire format and written to a topic with a bare kafkajs producer,
 * so that every consumer (broker perf tool, raw kafkajs, the pipeline, the Quix Streams peer) reads the same bytes.
 */
import { type Message, Partitioners, type Producer } from 'kafkajs';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import type { Logger } from '../../adapters/logger.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { lookupSchemaIds } from '../../adapters/registry/register-schemas.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { fleet, PlantSimulator } from '../../producers/plant/plant-simulator.js';

export const DATASET_SEED = 20_260_302;
/** A fixed historical start: identical events on every run (live latency runs use the current time instead). */
export const DATASET_START = Date.UTC(2026, 2, 2, 6, 0, 0);

export interface DatasetShape {
  readonly assets: number;
  readonly minutes: number;
  readonly seed?: number;
  readonly start?: number;
  readonly hz?: number;
}

export function simulatedReadings(shape: DatasetShape): SensorReading[] {
  const start = shape.start ?? DATASET_START;
  const sim = new PlantSimulator(defaultPlant(), {
    seed: shape.seed ?? DATASET_SEED,
    start,
    end: start + shape.minutes * 60_000,
    assets: shape.assets,
    hz: shape.hz ?? 1,
  });
  const out: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) out.push(r);
  return out;
}

export interface ReadingCodec {
  encode(reading: SensorReading): Buffer;
  decodeCached(bytes: Buffer): SensorReading | undefined;
  prepareBatch(values: Iterable<Buffer | null | undefined>): Promise<void> | undefined;
  readonly schemaId: number;
}

/** The sensor-readings codec of a space, with the id its schema is registered under. */
export async function readingCodec(config: Config): Promise<ReadingCodec> {
  const topic = topicsFromConfig(config).sensorReadings;
  const registry = createRegistryClient(config);
  const [registered] = await lookupSchemaIds(registry, [topic]);
  const codec = createEventCodec('sensor-reading', registry, { schemaId: registered!.id });
  return {
    schemaId: registered!.id,
    encode: (reading) => codec.encode(reading),
    decodeCached: (bytes) => codec.decodeCached(bytes),
    prepareBatch: (values) => codec.prepareBatch(values),
  };
}

/** Kafka messages exactly as the publisher makes them: key = asset id, timestamp = event time. */
export function encodeReadings(codec: ReadingCodec, readings: readonly SensorReading[]): Message[] {
  return readings.map((r) => ({ key: r.assetId, value: codec.encode(r), timestamp: String(r.eventTime) }));
}

/** A bare kafkajs producer with the publisher's settings: idempotent, one request in flight. */
export async function bareProducer(config: Config, logger: Logger): Promise<Producer> {
  const producer = createKafkaClient(config, logger, { clientIdSuffix: 'bench-bare' }).producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  await producer.connect();
  return producer;
}

/** sendBatch of `batchSize` pre-encoded messages at a time, acks from all replicas, one call in flight. */
export async function sendBatches(
  producer: Producer,
  topic: string,
  messages: readonly Message[],
  batchSize = 1000,
): Promise<void> {
  for (let i = 0; i < messages.length; i += batchSize) {
    await producer.sendBatch({ topicMessages: [{ topic, messages: messages.slice(i, i + batchSize) }], acks: -1 });
  }
}

/** Fills `topic` with `messages` (a bare producer, connected and disconnected here). */
export async function fillTopic(config: Config, logger: Logger, topic: string, messages: readonly Message[]) {
  const producer = await bareProducer(config, logger);
  try {
    await sendBatches(producer, topic, messages);
  } finally {
    await producer.disconnect();
  }
}

/** Sum over partitions of the high watermark (records in a topic that was never truncated). */
export async function highWatermarks(config: Config, logger: Logger, topic: string): Promise<Map<number, bigint>> {
  const admin = createKafkaClient(config, logger, { clientIdSuffix: 'bench' }).admin();
  await admin.connect();
  try {
    return new Map((await admin.fetchTopicOffsets(topic)).map((p) => [p.partition, BigInt(p.high)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * The plant's first N assets whose readings, each at its type's own sample interval (the cadence the models were
 * trained on), add up to `rate` events/s or just over.
 */
function assetsForRate(rate: number): number {
  const plant = defaultPlant();
  // Every type reads at least once every 2 s: 2 * rate assets are more than enough.
  const candidates = fleet(plant, 2 * Math.ceil(rate));
  let perSecond = 0;
  let n = 0;
  while (perSecond < rate) perSecond += 1000 / plant.assetTypes[candidates[n++]!.type]!.sampleIntervalMs;
  return n;
}

/**
 * The plant as the latency suite simulates it: its data problems, except readings held back (out of order, late),
 * which would carry the simulated network's delay into Vigil's latency.
 */
function inOrderPlant() {
  const plant = defaultPlant();
  return { ...plant, dataProblems: { ...plant.dataProblems, outOfOrderRate: 0, lateRate: 0 } };
}

/** The simulation of the assets one latency level adds, and the time its live readings start. */
export interface LevelGroup {
  readonly liveFrom: number;
  /** The next reading of the group's own assets (the simulation runs the plant's first N), in event time order. */
  next(): SensorReading | null;
}

/**
 * One simulation per group of assets a latency level adds (level i of `rates`: the plant's first
 * `assetsForRate(rates[i])` assets, from `firstLevelAt + i * levelMs`), each starting `historyMs` before its level:
 * the suite back-fills what comes before the level, the rate publisher goes on from there with the same
 * simulation, so values and event ids continue where the history ends.
 */
export function levelGroups(
  rates: readonly number[],
  firstLevelAt: number,
  levelMs: number,
  historyMs: number,
): LevelGroup[] {
  // The simulations end with the last level (the simulator plans its faults up to its end).
  const end = firstLevelAt + rates.length * levelMs;
  const out: LevelGroup[] = [];
  let previous = 0;
  for (const [i, rate] of rates.entries()) {
    const assets = assetsForRate(rate);
    if (assets <= previous) continue;
    const liveFrom = firstLevelAt + i * levelMs;
    const sim = new PlantSimulator(inOrderPlant(), { seed: DATASET_SEED, start: liveFrom - historyMs, end, assets });
    const own = new Set(
      fleet(defaultPlant(), assets)
        .map((a) => a.id)
        .slice(previous),
    );
    const next = () => {
      let r = sim.next();
      while (r !== null && !own.has(r.assetId)) r = sim.next();
      return r;
    };
    out.push({ liveFrom, next });
    previous = assets;
  }
  return out;
}
