/**
 * Latency under load: an in-process StreamProcessor, windows warmed by a back-filled history (the models score
 * once a key's longest window spans 90 % of 15 min), then live readings at fixed rates (30/60/90 % of the measured
 * maximum) from a child publisher. Event-to-score is exact, from the inference rows (scored_at - event_time);
 * event-to-durable comes from the processor's own histogram (difference of snapshots at the level boundaries,
 * linear interpolation inside buckets, so its p99 is as coarse as the buckets around it).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import type { Registry } from '../../adapters/metrics.js';
import type { Config } from '../../core/config/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { encodeReadings, fillTopic, highWatermarks, readingCodec, simulatedReadings } from '../lib/dataset.js';
import { pollUntil, startProcessor, truncateOutputs } from '../lib/processor-run.js';
import type { LatencyRow } from '../lib/report.js';
import { histogramQuantile } from '../lib/stats.js';

type Buckets = { le: number; count: number }[];

async function durableBuckets(metrics: Registry): Promise<Buckets> {
  const metric = await metrics.getSingleMetric('vigil_processor_event_to_durable_seconds')?.get();
  const values = (metric?.values ?? []) as { metricName?: string; labels: { le?: string | number }; value: number }[];
  return values
    .filter((v) => v.metricName?.endsWith('_bucket'))
    .map((v) => ({ le: v.labels.le === '+Inf' ? Number.POSITIVE_INFINITY : Number(v.labels.le), count: v.value }))
    .sort((a, b) => a.le - b.le);
}

function minus(a: Buckets, b: Buckets): Buckets {
  return a.map((x, i) => ({ le: x.le, count: x.count - (b[i]?.count ?? 0) }));
}

export interface LatencyOptions {
  readonly env: Record<string, string>;
  readonly config: Config;
  readonly logger: Logger;
  readonly clickhouse: ClickHouse;
  readonly maxRate: number;
  readonly assets: number;
  readonly secondsPerLevel: number;
  readonly shares: readonly number[];
}

export async function latencyUnderLoad(o: LatencyOptions): Promise<LatencyRow[]> {
  await truncateOutputs(o.clickhouse);
  const topic = topicsFromConfig(o.config).sensorReadings.name;
  // History up to now: 14 min at 1 Hz per asset, so every key is past its warm-up when the live levels start.
  const history = simulatedReadings({ assets: o.assets, minutes: 14, start: Date.now() - 14 * 60_000 });
  const codec = await readingCodec(o.config);
  await fillTopic(o.config, o.logger, topic, encodeReadings(codec, history));
  const run = await startProcessor(o.config, o.logger, o.clickhouse);
  const caughtUp = async (what: string) => {
    const high = [...(await highWatermarks(o.config, o.logger, topic)).values()].reduce((s, h) => s + h, 0n);
    await pollUntil(async () => (await run.committed(topic)) >= high, what, 600_000);
  };
  try {
    await caughtUp('the processor to catch up with the back-filled history');
    const rates = o.shares.map((s) => Math.max(1, Math.round(s * o.maxRate)));
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/rate-publisher.ts', String(o.assets), String(o.secondsPerLevel), rates.join(',')],
      { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const snapshots: Buckets[] = [];
    const ends: { start: number; end: number; published: number; maxBehindMs: number }[] = [];
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as {
        phase: string;
        start: number;
        end: number;
        published: number;
        maxBehindMs: number;
      };
      if (message.phase === 'start') snapshots.push(await durableBuckets(run.metrics));
      else ends.push(message);
    }
    const code = await new Promise<number | null>((resolve) =>
      child.exitCode !== null ? resolve(child.exitCode) : child.once('exit', resolve),
    );
    if (code !== 0) throw new Error(`rate publisher exited with ${code}`);
    await caughtUp('the processor to catch up with the live levels');
    snapshots.push(await durableBuckets(run.metrics));
    const rows: LatencyRow[] = [];
    for (const [i, level] of ends.entries()) {
      const [stats] = await o.clickhouse.query<{ n: string; p50: number; p99: number; first: string; last: string }>(
        `SELECT count() AS n,
                quantileExact(0.5)(toUnixTimestamp64Milli(scored_at) - toUnixTimestamp64Milli(event_time)) AS p50,
                quantileExact(0.99)(toUnixTimestamp64Milli(scored_at) - toUnixTimestamp64Milli(event_time)) AS p99
           FROM inferences FINAL
          WHERE model_role = 'production'
            AND event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})`,
        { from: level.start + 1000, to: level.end },
      );
      const durable = minus(snapshots[i + 1] ?? [], snapshots[i] ?? []);
      rows.push({
        loadShare: o.shares[i]!,
        targetRate: rates[i]!,
        achievedRate: level.published / ((level.end - level.start) / 1000),
        scored: Number(stats?.n ?? 0),
        eventToScoreP50Ms: Number(stats?.p50),
        eventToScoreP99Ms: Number(stats?.p99),
        eventToDurableP50Ms: histogramQuantile(durable, 0.5) * 1000,
        eventToDurableP99Ms: histogramQuantile(durable, 0.99) * 1000,
        publisherMaxBehindMs: level.maxBehindMs,
      });
    }
    return rows;
  } finally {
    await run.stop();
  }
}
