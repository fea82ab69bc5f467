/**
 * Latency under load: an in-process StreamProcessor, then live readings at fixed rates (30/60/90 % of the measured
 * maximum) from a child publisher. Each asset reads at its type's own sample interval, as in the plant the models
 * were trained on: a level of R events/s is the plant's first N assets whose cadences add up to R. Every asset has
 * a back-filled history of 16 min (past the 15-min window: the models score once it spans 90 %) that ends where its
 * live readings begin, so its windows go on without a gap: the assets a level adds get a history that ends at that
 * level's start, and the live readings continue that very simulation. The history is stamped ahead of the clock
 * by the time the processor needs to catch up with it; the space allows that skew. Event-to-score is exact, from
 * the inference rows (scored_at - event_time); event-to-durable comes from the processor's own histogram (difference of snapshots at the level boundaries,
 * linear interpolation inside buckets, so its p99 is as coarse as the buckets around it).
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import type { Message } from 'kafkajs';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import type { Registry } from '../../adapters/metrics.js';
import type { Config } from '../../core/config/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import {
  bareProducer,
  highWatermarks,
  type LevelGroup,
  levelGroups,
  type ReadingCodec,
  readingCodec,
  sendBatches,
} from '../lib/dataset.js';
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
  readonly secondsPerLevel: number;
  readonly shares: readonly number[];
}

/** How far ahead of the clock the space accepts event times: the history is stamped ahead by the catch-up time. */
export const LATENCY_SPACE_SETTINGS = { VIGIL_MAX_FUTURE_SKEW: '1h' };

/** Longer than the longest window (15 min): features at a level's start are those of a key running for a while. */
const HISTORY_MS = 16 * 60_000;
/**
 * Rates (events/s) the first level's start is planned with: the back-fill, and the processor's catch-up, below the
 * ~8 000 ev/s the pipeline suite measures so that the catch-up is rarely late (the suite then stops).
 */
const FILL_RATE = 40_000;
const CATCH_UP_RATE = 6_000;

export async function latencyUnderLoad(o: LatencyOptions): Promise<LatencyRow[]> {
  await truncateOutputs(o.clickhouse);
  const topic = topicsFromConfig(o.config).sensorReadings.name;
  const rates = o.shares.map((s) => Math.max(1, Math.round(s * o.maxRate)));
  const historyEvents = (Math.max(...rates) * HISTORY_MS) / 1000;
  const firstLevelAt =
    Date.now() + Math.round((historyEvents / FILL_RATE + historyEvents / CATCH_UP_RATE) * 1000) + 20_000;
  const groups = levelGroups(rates, firstLevelAt, o.secondsPerLevel * 1000, HISTORY_MS);
  await backfill(o.config, o.logger, topic, await readingCodec(o.config), groups);
  const run = await startProcessor(o.config, o.logger, o.clickhouse);
  const caughtUp = async (what: string) => {
    const high = [...(await highWatermarks(o.config, o.logger, topic)).values()].reduce((s, h) => s + h, 0n);
    await pollUntil(async () => (await run.committed(topic)) >= high, what, 1_800_000);
  };
  try {
    await caughtUp('the processor to catch up with the back-filled history');
    const lateMs = Date.now() - firstLevelAt;
    if (lateMs > 0) {
      throw new Error(
        `the processor caught up with the history ${Math.round(lateMs / 1000)} s after the first level was due: its windows would have a gap; run with a lower --max-rate`,
      );
    }
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        'bench/rate-publisher.ts',
        String(o.secondsPerLevel),
        String(HISTORY_MS),
        String(firstLevelAt),
        rates.join(','),
      ],
      { env: { ...process.env, ...o.env }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    const snapshots: Buckets[] = [];
    const ends: { start: number; end: number; published: number; maxBehindMs: number }[] = [];
    // The processor's cost over each level: CPU of this process (processor and engine) and its event loop's load.
    const costs: { cpuPerEventUs: number; eventLoopBusy: number }[] = [];
    let cpuAtStart = process.cpuUsage();
    let loopAtStart = performance.eventLoopUtilization();
    for await (const line of createInterface({ input: child.stdout })) {
      const message = JSON.parse(line) as {
        phase: string;
        start: number;
        end: number;
        published: number;
        maxBehindMs: number;
      };
      if (message.phase === 'start') {
        snapshots.push(await durableBuckets(run.metrics));
        cpuAtStart = process.cpuUsage();
        loopAtStart = performance.eventLoopUtilization();
      } else {
        const cpu = process.cpuUsage(cpuAtStart);
        costs.push({
          cpuPerEventUs: (cpu.user + cpu.system) / Math.max(1, message.published),
          eventLoopBusy: performance.eventLoopUtilization(loopAtStart).utilization,
        });
        ends.push(message);
      }
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
            AND event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})
            AND scored_at >= fromUnixTimestamp64Milli({start:Int64})`,
        // The history of the assets a later level adds has event times in this level's span: scored before it.
        { from: level.start + 1000, to: level.end, start: level.start },
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
        ...costs[i]!,
      });
    }
    return rows;
  } finally {
    await run.stop();
  }
}

/** The history of each group of assets a level adds: its simulation up to the start of that level, in chunks. */
async function backfill(
  config: Config,
  logger: Logger,
  topic: string,
  codec: ReadingCodec,
  groups: readonly LevelGroup[],
): Promise<void> {
  const producer = await bareProducer(config, logger);
  try {
    for (const group of groups) {
      let chunk: Message[] = [];
      for (let r = group.next(); r !== null && r.eventTime < group.liveFrom; r = group.next()) {
        chunk.push({ key: r.assetId, value: codec.encode(r), timestamp: String(r.eventTime) });
        if (chunk.length === 50_000) {
          await sendBatches(producer, topic, chunk);
          chunk = [];
        }
      }
      await sendBatches(producer, topic, chunk);
    }
  } finally {
    await producer.disconnect();
  }
}
