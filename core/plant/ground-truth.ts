/**
 * A ground-truth record: a span where the simulator injected an anomaly (or a labelled span of imported data).
 * Written to the ClickHouse table `fault_ground_truth` so detections can be scored against it.
 */
export interface GroundTruth {
  /** What produced it: 'plant-simulator', 'order-simulator', 'import:<file>'. */
  readonly source: string;
  /** 'sensors' or 'orders'. */
  readonly stream: string;
  /** The record key the anomaly concerns: an asset id or a store id. */
  readonly key: string;
  /** The channels (or order fields) the anomaly affects. */
  readonly channels: readonly string[];
  /** spike, level_shift, drift, stuck, noise_burst, overheating, correlation_break, dead_channel, outage, ... */
  readonly kind: string;
  /** Event-time span, epoch ms, both inclusive. */
  readonly start: number;
  readonly end: number;
  /** 0 (barely visible) .. 1 (severe). */
  readonly severity: number;
}
