/** What the feature engine consumes: one decoded event of one key, values by channel name. */
export interface FeatureEvent {
  /** Asset id or store id: the Kafka record key. */
  readonly key: string;
  readonly eventId: string;
  /** Event time, integer epoch milliseconds. */
  readonly eventTime: number;
  /** Channel -> value. Absent, NaN or infinite values count as missing; undeclared channels are ignored. */
  readonly values: Readonly<Record<string, number>>;
}

export type Verdict = 'ACCEPTED' | 'LATE' | 'DUPLICATE';

export type ProcessResult =
  | {
      readonly verdict: 'ACCEPTED';
      /** In `featureSet.featureNames` order. */
      readonly vector: Float64Array;
      /** Warm-up reached: only ready vectors are scored. */
      readonly ready: boolean;
      /** The event arrived after a newer one of its key (within the lateness) and took the slow path. */
      readonly outOfOrder: boolean;
    }
  | {
      readonly verdict: 'LATE' | 'DUPLICATE';
      readonly vector: undefined;
      readonly ready: false;
      readonly outOfOrder: false;
    };
