/**
 * The event contracts as TypeScript types. The Avro schemas in `schemas/*.avsc` are the source of truth on the
 * wire; `tests/unit/schemas-types.test.ts` fails when these types and the schemas drift apart.
 * Times are epoch milliseconds (Avro timestamp-millis).
 */

/** One reading of one asset: a generic map of channel values because plants are heterogeneous. */
export interface SensorReading {
  /** Globally unique id of this reading (UUID); duplicates are detected by it. */
  readonly eventId: string;
  /** Asset id; also the Kafka record key. */
  readonly assetId: string;
  /** Asset type (pump, compressor, ...): selects the channel catalogue and the model. */
  readonly assetType: string;
  readonly site: string;
  readonly line: string;
  /** Event time (ms): when the reading was taken; also the Kafka record timestamp. */
  readonly eventTime: number;
  /** Per-asset sequence number set by the producer, for gap and duplicate diagnostics. */
  readonly seq: number;
  /** Channel name -> value in engineering units. A missing channel is an absent key; NaN is a bad value. */
  readonly channels: Readonly<Record<string, number>>;
  /** Quality flags reported by the device or gateway (e.g. SENSOR_FAULT, CALIBRATING, MAINTENANCE). */
  readonly quality: readonly string[];
}

export type PaymentOutcome = 'approved' | 'declined' | 'error';

/** One e-commerce order; the Kafka record key is the store id. */
export interface Order {
  readonly eventId: string;
  readonly storeId: string;
  readonly eventTime: number;
  readonly amount: number;
  readonly currency: string;
  readonly items: number;
  readonly paymentMethod: string;
  readonly paymentOutcome: PaymentOutcome;
  readonly country: string;
  readonly channel: string;
}

/** One scored feature vector: which event, which features, which model, when. */
export interface Inference {
  readonly inferenceId: string;
  readonly stream: string;
  readonly eventId: string;
  readonly key: string;
  readonly eventTime: number;
  readonly scoredAt: number;
  readonly score: number;
  readonly threshold: number;
  readonly anomaly: boolean;
  readonly modelName: string;
  readonly modelVersion: string;
  /** 'production' or 'shadow'. */
  readonly modelRole: string;
  readonly featureSet: string;
  readonly featureSetVersion: string;
  readonly features: Readonly<Record<string, number>>;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
}

export type AlertState = 'open' | 'closed';
export type AlertSeverity = 'low' | 'medium' | 'high' | 'critical';

/** One channel that drove an alert, in engineering units against its normal band. */
export interface AlertContributor {
  readonly channel: string;
  readonly value: number;
  readonly normalLow: number;
  readonly normalHigh: number;
  /**
   * How far from normal, in standard deviations: the strongest evidence of the channel (core/alerts/contributors.ts:
   * last-value z-score, shift, level against the model reference, noise, missing readings, frozen).
   */
  readonly zScore: number;
}

export interface Alert {
  readonly alertId: string;
  readonly stream: string;
  readonly key: string;
  readonly state: AlertState;
  readonly severity: AlertSeverity;
  readonly openedAt: number;
  /** Event time of the closing score; null while open. */
  readonly closedAt: number | null;
  /** Event time of the score that caused this transition. */
  readonly eventTime: number;
  readonly score: number;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly contributors: readonly AlertContributor[];
}

/** Why an input did not enter the pipeline. */
export type DeadLetterReason =
  | 'UNDECODABLE'
  | 'UNKNOWN_SCHEMA'
  | 'CONTRACT_VIOLATION'
  | 'NAN_VALUE'
  | 'OUT_OF_RANGE'
  | 'MISSING_CHANNEL'
  | 'ABSURD_TIMESTAMP'
  | 'LATE';

export interface DeadLetter {
  readonly stream: string;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  /** The original record key and value bytes, untouched. */
  readonly key: Uint8Array | null;
  readonly value: Uint8Array | null;
  readonly reason: DeadLetterReason;
  readonly message: string;
  readonly receivedAt: number;
}

export type ModelAction = 'register' | 'shadow' | 'promote' | 'rollback' | 'archive';

/** One change of a model version's state: announced on the compacted model-control topic and audited. */
export interface ModelEvent {
  readonly modelName: string;
  readonly stream: string;
  readonly action: ModelAction;
  readonly version: string;
  readonly fromVersion: string | null;
  readonly actor: string;
  readonly reason: string;
  readonly at: number;
}
