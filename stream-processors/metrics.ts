/** vigil_processor_* (docs/metrics.md), created once per registry. */
import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '../adapters/metrics.js';

const BATCH_BUCKETS = [1, 10, 50, 100, 250, 500, 1000, 2500, 5000, 10000];
const E2E_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

export interface ProcessorMetrics {
  readonly consumed: Counter<'stream'>;
  readonly decoded: Counter<'stream'>;
  readonly scored: Counter<'stream' | 'model_role'>;
  readonly anomalies: Counter<'stream' | 'model_role'>;
  readonly late: Counter<'stream'>;
  readonly duplicate: Counter<'stream'>;
  readonly deadLetters: Counter<'stream' | 'reason'>;
  readonly alerts: Counter<'stream' | 'severity' | 'state'>;
  readonly lag: Gauge<'stream' | 'partition'>;
  readonly batchSize: Histogram<'stream'>;
  readonly eventToScore: Histogram<'stream'>;
  readonly eventToDurable: Histogram<'stream'>;
  readonly modelSeconds: Histogram<'stream'>;
  readonly sinkSeconds: Histogram<'stream'>;
  readonly paused: Gauge<'stream'>;
  readonly modelInfo: Gauge<'stream' | 'model' | 'version' | 'role'>;
  readonly restored: Counter<'stream'>;
  readonly groupJoins: Counter<'stream'>;
}

const byRegistry = new WeakMap<Registry, ProcessorMetrics>();

export function processorMetrics(registry: Registry): ProcessorMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
    new Counter<L>({ name, help, labelNames, registers });
  const histogram = (name: string, help: string, buckets: number[]) =>
    new Histogram<'stream'>({ name, help, labelNames: ['stream'], buckets, registers });
  const metrics: ProcessorMetrics = {
    consumed: counter('vigil_processor_records_consumed_total', 'Kafka records fetched', ['stream']),
    decoded: counter('vigil_processor_events_decoded_total', 'Records decoded and passing the contract', ['stream']),
    scored: counter('vigil_processor_events_scored_total', 'Events scored by a model', ['stream', 'model_role']),
    anomalies: counter('vigil_processor_anomalies_total', 'Scores above the model threshold', ['stream', 'model_role']),
    late: counter('vigil_processor_events_late_total', 'Events beyond the allowed lateness', ['stream']),
    duplicate: counter('vigil_processor_events_duplicate_total', 'Duplicate event ids dropped', ['stream']),
    deadLetters: counter('vigil_processor_dead_letters_total', 'Records dead-lettered, by reason', [
      'stream',
      'reason',
    ]),
    alerts: counter('vigil_processor_alerts_total', 'Alert transitions', ['stream', 'severity', 'state']),
    lag: new Gauge({
      name: 'vigil_processor_consumer_lag_records',
      help: 'High watermark minus next offset',
      labelNames: ['stream', 'partition'],
      registers,
    }),
    batchSize: histogram('vigil_processor_batch_size_records', 'Records per processed batch', BATCH_BUCKETS),
    eventToScore: histogram('vigil_processor_event_to_score_seconds', 'Event time to score available', E2E_BUCKETS),
    eventToDurable: histogram(
      'vigil_processor_event_to_durable_seconds',
      'Event time to outputs durable in ClickHouse',
      E2E_BUCKETS,
    ),
    modelSeconds: histogram('vigil_processor_model_seconds', 'Time in model calls per batch', LATENCY_BUCKETS_SECONDS),
    sinkSeconds: histogram(
      'vigil_processor_sink_seconds',
      'Time to make one group write of batches durable',
      LATENCY_BUCKETS_SECONDS,
    ),
    paused: new Gauge({
      name: 'vigil_processor_paused',
      help: '1 while waiting for ClickHouse, the registry or Kafka to come back',
      labelNames: ['stream'],
      registers,
    }),
    modelInfo: new Gauge({
      name: 'vigil_processor_model_info',
      help: '1 for each loaded model version',
      labelNames: ['stream', 'model', 'version', 'role'],
      registers,
    }),
    restored: counter('vigil_processor_restored_records_total', 'Records replayed to rebuild state', ['stream']),
    groupJoins: counter(
      'vigil_processor_group_joins_total',
      'Consumer group joins: the first, then one per rebalance this instance takes part in',
      ['stream'],
    ),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
