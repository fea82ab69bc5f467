/** Pipeline health (Prometheus): throughput per stage, lag, latencies, dead letters, ClickHouse inserts. */
import { DashboardBuilder, RowBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { PanelBuilder as TimeseriesBuilder } from '@grafana/grafana-foundation-sdk/timeseries';
import { PROMETHEUS, prometheus } from './queries.js';

const RATE = '$__rate_interval';

function quantiles(metric: string) {
  return [0.5, 0.95, 0.99].map((q, i) =>
    prometheus(
      `histogram_quantile(${q}, sum by (le, stream) (rate(${metric}_bucket[${RATE}])))`,
      `{{stream}} p${Math.round(q * 100)}`,
      String.fromCharCode(65 + i),
    ),
  );
}

function timeseries(title: string, unit: string, description: string) {
  return new TimeseriesBuilder()
    .title(title)
    .unit(unit)
    .description(description)
    .datasource(PROMETHEUS)
    .height(8)
    .span(12);
}

export function pipelineHealth(): DashboardBuilder {
  return new DashboardBuilder('Vigil / Pipeline health')
    .uid('vigil-pipeline-health')
    .tags(['vigil', 'pipeline'])
    .refresh('30s')
    .time({ from: 'now-1h', to: 'now' })
    .withRow(new RowBuilder('Throughput'))
    .withPanel(
      timeseries(
        'Throughput per stage',
        'ops',
        'Events per second through each stage of the stream processor and producers.',
      )
        .withTarget(
          prometheus(`sum by (topic) (rate(vigil_producer_events_sent_total[${RATE}]))`, 'produced {{topic}}', 'A'),
        )
        .withTarget(
          prometheus(
            `sum by (stream) (rate(vigil_processor_records_consumed_total[${RATE}]))`,
            'consumed {{stream}}',
            'B',
          ),
        )
        .withTarget(
          prometheus(
            `sum by (stream) (rate(vigil_processor_events_decoded_total[${RATE}]))`,
            'decoded {{stream}}',
            'C',
          ),
        )
        .withTarget(
          prometheus(`sum by (stream) (rate(vigil_processor_events_scored_total[${RATE}]))`, 'scored {{stream}}', 'D'),
        )
        .withTarget(
          prometheus(`sum by (table) (rate(vigil_clickhouse_inserted_rows_total[${RATE}]))`, 'inserted {{table}}', 'E'),
        ),
    )
    .withPanel(
      timeseries(
        'Consumer lag',
        'short',
        'Records between the high watermark and the next offset, per stream (all partitions).',
      ).withTarget(prometheus('sum by (stream) (vigil_processor_consumer_lag_records)', '{{stream}}')),
    )
    .withRow(new RowBuilder('Latency'))
    .withPanel(
      timeseries('Event to score (p50/p95/p99)', 's', 'Event time to score available.').targets(
        quantiles('vigil_processor_event_to_score_seconds'),
      ),
    )
    .withPanel(
      timeseries(
        'Event to durable (p50/p95/p99)',
        's',
        'Event time to outputs durable in ClickHouse (offsets commit after this).',
      ).targets(quantiles('vigil_processor_event_to_durable_seconds')),
    )
    .withPanel(
      timeseries(
        'ClickHouse call latency p99',
        's',
        'Duration of ClickHouse calls by operation (inserts dominate).',
      ).withTarget(
        prometheus(
          `histogram_quantile(0.99, sum by (le, operation) (rate(vigil_clickhouse_call_duration_seconds_bucket[${RATE}])))`,
          '{{operation}} p99',
        ),
      ),
    )
    .withPanel(
      timeseries('Model time per batch p99', 's', 'Time in ONNX model calls per processed batch.').withTarget(
        prometheus(
          `histogram_quantile(0.99, sum by (le, stream) (rate(vigil_processor_model_seconds_bucket[${RATE}])))`,
          '{{stream}} p99',
        ),
      ),
    )
    .withRow(new RowBuilder('Errors'))
    .withPanel(
      timeseries(
        'Dead letters by reason',
        'ops',
        'Records sent to the dead letters per second, by reason code.',
      ).withTarget(
        prometheus(
          `sum by (stream, reason) (rate(vigil_processor_dead_letters_total[${RATE}]))`,
          '{{stream}} {{reason}}',
        ),
      ),
    )
    .withPanel(
      timeseries(
        'Paused and failing',
        'short',
        'Processor paused waiting for a dependency; group joins (rebalances); monitoring job errors.',
      )
        .withTarget(prometheus('max by (stream) (vigil_processor_paused)', 'paused {{stream}}', 'A'))
        .withTarget(
          prometheus(
            `sum by (stream) (increase(vigil_processor_group_joins_total[${RATE}]))`,
            'group joins {{stream}}',
            'C',
          ),
        )
        .withTarget(
          prometheus(
            `sum by (job) (increase(vigil_monitoring_job_runs_total{outcome="error"}[${RATE}]))`,
            'monitor errors {{job}}',
            'B',
          ),
        ),
    );
}
