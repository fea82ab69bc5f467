/**
 * The raw table of each stream and how to read events back from it (the processor's state restore and replay
 * both rebuild events from these rows, so they must read them the same way).
 */
import type { Order, SensorReading } from '../../core/events/types.js';
import { ORDER_COLUMNS, orderFromRow, SENSOR_READING_COLUMNS, sensorReadingFromRow } from './rows.js';
import type { Row } from './types.js';

export interface RawTable<E> {
  readonly table: 'sensor_readings' | 'orders';
  /** The column holding the stream's key (the Kafka record key). */
  readonly keyColumn: 'asset_id' | 'store_id';
  /** Columns to SELECT for `fromRow` (includes source_offset). */
  readonly columns: string;
  fromRow(row: Row): E;
}

export function rawTableOf(stream: 'sensors' | 'orders'): RawTable<SensorReading | Order> {
  if (stream === 'sensors') {
    const table: RawTable<SensorReading> = {
      table: 'sensor_readings',
      keyColumn: 'asset_id',
      columns: SENSOR_READING_COLUMNS,
      fromRow: sensorReadingFromRow,
    };
    return table as RawTable<SensorReading | Order>;
  }
  const table: RawTable<Order> = {
    table: 'orders',
    keyColumn: 'store_id',
    columns: ORDER_COLUMNS,
    fromRow: orderFromRow,
  };
  return table as RawTable<SensorReading | Order>;
}
