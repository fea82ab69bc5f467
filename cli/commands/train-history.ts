/**
 * Where `vigil train` gets its history: ClickHouse (what the stream stored) or the simulators in memory
 * (`--simulate`, how the committed default models are built with no stack). The CLI wires the producers'
 * simulators to the training export here because roles never import each other.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Config } from '../../core/config/index.js';
import type { DeadLetterReason, Order, SensorReading } from '../../core/events/types.js';
import { validateReading } from '../../core/events/validate.js';
import type { FeatureSet } from '../../core/features/index.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import type { Plant } from '../../core/plant/schema.js';
import { orderStream, type StreamDefinition, sensorStream } from '../../core/scoring/index.js';
import { OrderSimulator } from '../../producers/orders/order-simulator.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { readOperatorAnnotations } from '../../training/export/annotation-history.js';
import {
  channelsInData,
  readGroundTruth,
  readOrderHistory,
  readSensorHistory,
} from '../../training/export/clickhouse-history.js';
import { trainingError } from '../../training/export/errors.js';
import { warmupOf } from '../../training/export/export-dataset.js';
import type { OperatorAnnotations } from '../../training/export/operator-annotations.js';

type Truth = Pick<GroundTruth, 'key' | 'kind' | 'start' | 'end'>;

export interface History<E> {
  readonly stream: StreamDefinition<E>;
  readonly subject: string;
  readonly featureSet: FeatureSet;
  readonly events: AsyncIterable<E> | Iterable<E>;
  readonly truth: () => Promise<readonly Truth[]>;
  /** Stored history: maintenance windows and alert verdicts (training/export/operator-annotations.ts). */
  readonly annotations?: () => Promise<OperatorAnnotations>;
  readonly keepMaintenance?: boolean;
  readonly source: Readonly<Record<string, unknown>>;
}

export interface HistoryRequest {
  readonly stream: 'sensors' | 'orders';
  /** Asset type (sensors); `store` for orders. */
  readonly subject: string;
  readonly from: number;
  readonly to: number;
  readonly seed: number;
  /** Simulated assets or stores (default: the plant's assets of the type, 5 stores). */
  readonly units?: number;
  readonly plant?: Plant;
}

/** The catalogue's channel names: the same lookup the processors use to derive a feature set. */
export function catalogueChannels(plant: Plant = defaultPlant()) {
  return (assetType: string) => channelSpecs(assetType, plant)?.map((c) => c.name);
}

function* drain<E>(source: { next(): E | null }): Generator<E> {
  for (;;) {
    const event = source.next();
    if (event === null) return;
    yield event;
  }
}

/**
 * The simulated readings the sensors processor would accept: its contract checks (core/events validateReading,
 * the plant's channel catalogue) in front of the feature engine, as the stream and replay have them. Without
 * them a reading with a NaN value reached the windows as a missing value, which the stream never sees (it
 * dead-letters the whole reading): the models learned a missing_rate the stream does not produce, and the
 * simulated evaluation flagged normal data for it. Simulated readings are never from the future, so the
 * receive time is the event time. `rejected` counts what the stream would have dead-lettered, by reason.
 */
export function* contractChecked(
  readings: Iterable<SensorReading>,
  plant: Plant,
  rejected?: Map<DeadLetterReason, number>,
): Generator<SensorReading> {
  const catalogue = (assetType: string) => channelSpecs(assetType, plant);
  for (const reading of readings) {
    const verdict = validateReading(reading, reading.eventTime, catalogue, { maxFutureSkewMs: 0 });
    if (verdict.ok) yield reading;
    else rejected?.set(verdict.reason, (rejected.get(verdict.reason) ?? 0) + 1);
  }
}

function knownTypes(plant: Plant): string {
  return Object.keys(plant.assetTypes).join(', ');
}

export function simulatedHistory(config: Config, request: HistoryRequest): History<SensorReading> | History<Order> {
  const truth: Truth[] = [];
  const onTruth = (t: GroundTruth) => truth.push(t);
  if (request.stream === 'orders') {
    const stream = orderStream(config.features);
    const featureSet = stream.featureSet('store')!;
    const stores = request.units ?? 5;
    const sim = new OrderSimulator({
      seed: request.seed,
      start: request.from - warmupOf(featureSet),
      end: request.to,
      stores,
      onTruth,
    });
    return {
      stream,
      subject: 'store',
      featureSet,
      events: drain(sim),
      truth: async () => truth,
      source: { kind: 'simulator', simulator: 'orders', seed: request.seed, stores },
    };
  }
  const plant = request.plant ?? defaultPlant();
  const stream = sensorStream(config.features, catalogueChannels(plant));
  const featureSet = stream.featureSet(request.subject);
  const assets = plant.assets.filter((a) => a.type === request.subject);
  if (featureSet === undefined || assets.length === 0) {
    throw trainingError('VIGIL_TRAINING_UNKNOWN_SUBJECT', { subject: request.subject, known: knownTypes(plant) });
  }
  const units = request.units ?? assets.length;
  const sim = new PlantSimulator(
    { ...plant, assets },
    { seed: request.seed, start: request.from - warmupOf(featureSet), end: request.to, assets: units, onTruth },
  );
  return {
    stream,
    subject: request.subject,
    featureSet,
    events: contractChecked(drain(sim), plant),
    truth: async () => truth,
    source: { kind: 'simulator', simulator: 'plant', seed: request.seed, assets: units, contractChecked: true },
  };
}

export async function storedHistory(
  ch: ClickHouse,
  config: Config,
  request: HistoryRequest,
): Promise<History<SensorReading> | History<Order>> {
  if (request.stream === 'orders') {
    const stream = orderStream(config.features);
    const featureSet = stream.featureSet('store')!;
    const range = { from: request.from, to: request.to, warmupMs: warmupOf(featureSet) };
    return {
      stream,
      subject: 'store',
      featureSet,
      events: readOrderHistory(ch, range),
      truth: () => readGroundTruth(ch, 'orders', request.from, request.to),
      source: { kind: 'clickhouse', target: ch.target, database: ch.database },
    };
  }
  const plant = request.plant ?? defaultPlant();
  const catalogue = catalogueChannels(plant);
  // Equipment the catalogue does not know (a CSV import) gets its channels from the data, as a processor would.
  const fromData = catalogue(request.subject) === undefined ? await channelsInData(ch, request.subject) : undefined;
  if (fromData !== undefined && fromData.length === 0) {
    throw trainingError('VIGIL_TRAINING_UNKNOWN_SUBJECT', { subject: request.subject, known: knownTypes(plant) });
  }
  const stream = sensorStream(config.features, (t) => (t === request.subject && fromData ? fromData : catalogue(t)));
  const featureSet = stream.featureSet(request.subject)!;
  const range = { from: request.from, to: request.to, warmupMs: warmupOf(featureSet) };
  return {
    stream,
    subject: request.subject,
    featureSet,
    events: readSensorHistory(ch, request.subject, range),
    truth: () => readGroundTruth(ch, 'sensors', request.from, request.to),
    annotations: () =>
      readOperatorAnnotations(ch, 'sensors', request.from, request.to, {
        verdicts: config.alertWorkflow.trainUseVerdicts,
      }),
    keepMaintenance: !config.alertWorkflow.trainExcludeMaintenance,
    source: { kind: 'clickhouse', target: ch.target, database: ch.database },
  };
}
