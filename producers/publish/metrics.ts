import { Counter, Gauge, Histogram, LATENCY_BUCKETS_SECONDS, type Registry } from '../../adapters/metrics.js';

/** vigil_producer_* (docs/metrics.md), created once per registry and shared by every publisher of a process. */
export interface PublisherMetrics {
  readonly sent: Counter<'topic'>;
  readonly sendErrors: Counter<'topic' | 'retriable'>;
  readonly buffered: Gauge<'topic'>;
  readonly batchSeconds: Histogram<'topic'>;
}

const byRegistry = new WeakMap<Registry, PublisherMetrics>();

export function publisherMetrics(registry: Registry): PublisherMetrics {
  let metrics = byRegistry.get(registry);
  if (metrics === undefined) {
    metrics = {
      sent: new Counter({
        name: 'vigil_producer_events_sent_total',
        help: 'Events acknowledged by the brokers',
        labelNames: ['topic'],
        registers: [registry],
      }),
      sendErrors: new Counter({
        name: 'vigil_producer_send_errors_total',
        help: 'Failed sends (retriable ones are retried)',
        labelNames: ['topic', 'retriable'],
        registers: [registry],
      }),
      buffered: new Gauge({
        name: 'vigil_producer_buffered_events',
        help: 'Events accepted and not yet acknowledged',
        labelNames: ['topic'],
        registers: [registry],
      }),
      batchSeconds: new Histogram({
        name: 'vigil_producer_batch_seconds',
        help: 'Time to acknowledge one batch, retries included',
        labelNames: ['topic'],
        buckets: LATENCY_BUCKETS_SECONDS,
        registers: [registry],
      }),
    };
    byRegistry.set(registry, metrics);
  }
  return metrics;
}
