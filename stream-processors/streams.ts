/**
 * The two stream declarations, sensors and orders: the same engine, different configuration (key, feature
 * sets, raw table, contract checks, alert policy name). Everything stream-specific the processor needs is here.
 */
import {
  ORDER_COLUMNS,
  orderFromRow,
  orderRow,
  SENSOR_READING_COLUMNS,
  type SourceCoordinates,
  sensorReadingFromRow,
  sensorReadingRow,
} from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import { type AlertPolicyConfig, alertPolicyFromConfig } from '../core/alerts/index.js';
import type { Config } from '../core/config/index.js';
import type { Order, SensorReading } from '../core/events/types.js';
import { type ContractResult, validateReading } from '../core/events/validate.js';
import { validateOrder } from '../core/events/validate-order.js';
import { channelSpecs } from '../core/plant/catalogue.js';
import type { Plant } from '../core/plant/schema.js';
import { orderStream, type StreamDefinition, type StreamName, sensorStream } from '../core/scoring/index.js';
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
}

export function streamRuntime(name: StreamName, config: Config, plant?: Plant): StreamRuntime<SensorReading | Order> {
  const topics = topicsFromConfig(config);
  const features = config.features;
  const skew = config.events.maxFutureSkewMs;
  const alertPolicy = alertPolicyFromConfig(`${name}-default`, config.alerts);
  if (name === 'sensors') {
    const catalogue = (assetType: string) => channelSpecs(assetType, plant);
    const runtime: StreamRuntime<SensorReading> = {
      definition: sensorStream(features, (t) => catalogue(t)?.map((c) => c.name)),
      topic: topics.sensorReadings,
      rawTable: 'sensor_readings',
      rawColumns: SENSOR_READING_COLUMNS,
      rawRow: sensorReadingRow,
      fromRawRow: sensorReadingFromRow,
      validate: (r, receivedAt) => validateReading(r, receivedAt, catalogue, { maxFutureSkewMs: skew }),
      alertPolicy,
      retentionMs: Math.max(...features.windowsMs) + features.allowedLatenessMs,
    };
    return runtime as StreamRuntime<SensorReading | Order>;
  }
  const runtime: StreamRuntime<Order> = {
    definition: orderStream(features),
    topic: topics.orders,
    rawTable: 'orders',
    rawColumns: ORDER_COLUMNS,
    rawRow: orderRow,
    fromRawRow: orderFromRow,
    validate: (o, receivedAt) => validateOrder(o, receivedAt, skew),
    alertPolicy,
    retentionMs: Math.max(...features.orderWindowsMs) + features.allowedLatenessMs,
  };
  return runtime as StreamRuntime<SensorReading | Order>;
}
