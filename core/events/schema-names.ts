/**
 * The event schemas Vigil ships (`schemas/<name>.avsc`) and the TypeScript type each one decodes to.
 * Topics name their value schema with these names; the registry adapter loads the files.
 */
import type { Alert, DeadLetter, Inference, ModelEvent, Order, SensorReading } from './types.js';

export interface EventBySchema {
  'sensor-reading': SensorReading;
  order: Order;
  inference: Inference;
  alert: Alert;
  'dead-letter': DeadLetter;
  'model-event': ModelEvent;
}

export type SchemaName = keyof EventBySchema;

export const SCHEMA_NAMES: readonly SchemaName[] = [
  'sensor-reading',
  'order',
  'inference',
  'alert',
  'dead-letter',
  'model-event',
];
