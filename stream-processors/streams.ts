/**
 * The two stream declarations, sensors and orders: the same engine, different configuration (key, feature
 * sets, raw table, contract checks, alert policy name). Everything stream-specific the processor needs is here.
 */
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import { orderRow, type SourceCoordinates, sensorReadingRow } from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { AlertPolicyConfig } from '../core/alerts/index.js';
import type { Config } from '../core/config/index.js';
import type { Order, SensorReading } from '../core/events/types.js';
import { type ContractResult, validateReading } from '../core/events/validate.js';
import { validateOrder } from '../core/events/validate-order.js';
import { AssetTypeCatalogue } from '../core/plant/asset-type-catalogue.js';
import { type StreamDefinition, type StreamName, streamScoringFromConfig } from '../core/scoring/index.js';
import { type TopicSpec, topicsFromConfig } from '../core/topics.js';

export interface StreamRuntime<E> {
  readonly definition: StreamDefinition<E>;
  readonly topic: TopicSpec;
  /** Raw table of accepted events and how to rebuild events from it (state restore reads it back). */
  readonly rawTable: 'sensor_readings' | 'orders';
  readonly rawColumns: string;
  rawRow(event: E, source: SourceCoordinates): Row;
  fromRawRow(row: Row): E;
  validate(event: E, receivedAt: number): ContractResult;
  readonly alertPolicy: AlertPolicyConfig;
  /** Longest window + allowed lateness: how far back a key's state reaches. */
  readonly retentionMs: number;
  /**
   * How far back a restart replays a key: two longest windows + lateness. Running sums are recomputed when event
   * time enters a new window-length period (core/features/key-state.ts); replaying this far guarantees such a
   * recompute over a complete window before the restart point, after which the state is bit-identical.
   */
  readonly restoreSpanMs: number;
  /** Sensors: the asset types known (plant + registered by imports); undefined for orders. */
  readonly assetTypes?: AssetTypeCatalogue;
}

export function streamRuntime(
  name: StreamName,
  config: Config,
  assetTypes: AssetTypeCatalogue = new AssetTypeCatalogue(),
): StreamRuntime<SensorReading | Order> {
  const topics = topicsFromConfig(config);
  const skew = config.events.maxFutureSkewMs;
  // Definition, alert policy and retention are shared with replay (core/scoring/stream-from-config.ts), the raw
  // table mapping with everything that reads events back (adapters/clickhouse/raw-tables.ts).
  const scoring = streamScoringFromConfig(name, config, assetTypes);
  const raw = rawTableOf(name);
  if (name === 'sensors') {
    const catalogue = (assetType: string) => assetTypes.specs(assetType);
    const runtime: StreamRuntime<SensorReading> = {
      definition: scoring.definition as StreamDefinition<SensorReading>,
      topic: topics.sensorReadings,
      rawTable: 'sensor_readings',
      rawColumns: raw.columns,
      rawRow: sensorReadingRow,
      fromRawRow: raw.fromRow as (row: Row) => SensorReading,
      validate: (r, receivedAt) => validateReading(r, receivedAt, catalogue, { maxFutureSkewMs: skew }),
      alertPolicy: scoring.alertPolicy,
      retentionMs: scoring.retentionMs,
      restoreSpanMs: 2 * scoring.retentionMs - scoring.allowedLatenessMs,
      assetTypes,
    };
    return runtime as StreamRuntime<SensorReading | Order>;
  }
  const runtime: StreamRuntime<Order> = {
    definition: scoring.definition as StreamDefinition<Order>,
    topic: topics.orders,
    rawTable: 'orders',
    rawColumns: raw.columns,
    rawRow: orderRow,
    fromRawRow: raw.fromRow as (row: Row) => Order,
    validate: (o, receivedAt) => validateOrder(o, receivedAt, skew),
    alertPolicy: scoring.alertPolicy,
    retentionMs: scoring.retentionMs,
    restoreSpanMs: 2 * scoring.retentionMs - scoring.allowedLatenessMs,
  };
  return runtime as StreamRuntime<SensorReading | Order>;
}
