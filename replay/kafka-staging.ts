/**
 * `vigil replay --source kafka`: copies the topic's records of a replay's window into a staging table with the
 * raw table's columns, so that the rest of the replay (chunks, warm-up, workers, checkpoints) runs unchanged on
 * it (raw-source.ts reads it instead of the raw table). staging-plan.ts decides what is read and when the topic
 * can no longer answer.
 *
 * What is staged is what the live processor would have written as raw rows before its pipeline: records that
 * decode (same codec, same registry) and pass the same contract checks (core/events validateReading /
 * validateOrder, the same catalogue of asset types); the others were dead letters and are only counted. Late
 * events and duplicates are staged: the replay's feature engine sets them aside exactly like the live one did,
 * because it sees them in the same order. For that reason the staging table keeps every copy of a re-sent event
 * (its sort key ends with the Kafka coordinates) where the raw table keeps one: FINAL on the raw table keeps
 * whichever copy was inserted last, the live engine used the first.
 *
 * The receive time the future-skew check compares with is the staging time: the topic carries event times, not
 * arrival times, so a record that was too far in the future when it arrived but is past now is staged.
 *
 * Idempotent: rows are keyed by event and Kafka coordinates, so staging the same run again replaces them; the
 * table is named after the run id; the caller (replay-range.ts) drops it when the pass ends, and a resumed run
 * stages again.
 */
import type { Kafka } from 'kafkajs';
import { storedAssetTypes } from '../adapters/clickhouse/asset-types.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { orderRow, sensorReadingRow } from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { WriterSchemaSource } from '../adapters/kafka/avro-codec.js';
import { createEventCodec } from '../adapters/kafka/event-codec.js';
import { readOffsetRanges } from '../adapters/kafka/offset-ranges.js';
import type { Logger } from '../adapters/logger.js';
import type { Config } from '../core/config/index.js';
import { describeError } from '../core/errors.js';
import { deadLetterReasonOf } from '../core/events/errors.js';
import type { DeadLetterReason, Order, SensorReading } from '../core/events/types.js';
import type { ContractResult } from '../core/events/validate.js';
import { validateReading } from '../core/events/validate.js';
import { validateOrder } from '../core/events/validate-order.js';
import { catalogueWith } from '../core/plant/asset-type-catalogue.js';
import { DEFAULT_RETRY, withRetry } from '../core/retry.js';
import { type StreamName, streamScoringFromConfig } from '../core/scoring/index.js';
import { sha256Hex } from '../core/sha256.js';
import { topicsFromConfig } from '../core/topics.js';
import { replayError } from './errors.js';
import type { StagedInput } from './raw-source.js';
import { describeGone, knownFromOf, type PartitionRead, planStaging, stagingWindow } from './staging-plan.js';

export interface StagingProgress {
  readonly read: number;
  readonly total: number;
  readonly staged: number;
}

export interface KafkaStagingOptions {
  readonly kafka: Kafka;
  readonly ch: ClickHouse;
  readonly schemaRegistry: WriterSchemaSource;
  readonly config: Config;
  readonly logger: Logger;
  readonly stream: StreamName;
  readonly runId: string;
  readonly from: number;
  readonly to: number;
  /** Stage only these keys (asset or store ids); undefined: every key. */
  readonly keys?: readonly string[];
  /** How long staging waits for the next record while offsets remain (default 60 s). */
  readonly stallTimeoutMs?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: StagingProgress) => void;
}

export interface StagingResult extends StagedInput {
  readonly topic: string;
  readonly read: number;
  readonly staged: number;
  /** Records the live stream dead-lettered before its pipeline (undecodable, contract), by reason. */
  readonly skipped: Readonly<Partial<Record<DeadLetterReason, number>>>;
  readonly elapsedMs: number;
}

/** Rows per insert: a round trip amortised over thousands of rows, a bounded request. */
const INSERT_ROWS = 5_000;

/** A registry or ClickHouse outage of up to about a minute is waited out. */
const STAGING_RETRY = { ...DEFAULT_RETRY, maxAttempts: 10 };

/** The staging table of a run: `replay_input_<hash of the run id>` (run ids may hold '.', ':' and '-'). */
export function stagingTableOf(runId: string): string {
  return `replay_input_${sha256Hex(runId).slice(0, 12)}`;
}

export async function dropStagingTable(ch: ClickHouse, table: string): Promise<void> {
  await ch.command(`DROP TABLE IF EXISTS ${table}`);
}

type AnyEvent = SensorReading | Order;

export async function stageFromKafka(o: KafkaStagingOptions): Promise<StagingResult> {
  const log = o.logger.child({ component: 'replay-staging', stream: o.stream, runId: o.runId });
  const started = performance.now();
  const catalogue = catalogueWith(await storedAssetTypes(o.ch));
  const scoring = streamScoringFromConfig(o.stream, o.config, catalogue);
  const topics = topicsFromConfig(o.config);
  const topic = o.stream === 'sensors' ? topics.sensorReadings : topics.orders;
  const window = stagingWindow(o, scoring.retentionMs, scoring.allowedLatenessMs, o.config.replay.maxWarmupMs);
  const reads = await partitionReads(o.kafka, topic.name, window);
  const table = stagingTableOf(o.runId);
  const raw = o.stream === 'sensors' ? 'sensor_readings' : 'orders';
  const key = o.stream === 'sensors' ? 'asset_id' : 'store_id';
  await o.ch.command(
    `CREATE TABLE IF NOT EXISTS ${table} AS ${raw}
     ENGINE = ReplacingMergeTree ORDER BY (${key}, event_time, event_id, source_partition, source_offset)
     COMMENT 'replay --source kafka staging of run ${o.runId.replace(/'/g, '')} (dropped when the run completes)'`,
  );
  const total = reads.reduce((n, r) => n + r.end - r.start, 0);
  log.info({ topic: topic.name, table, total, reads, window }, 'staging the topic for the replay');

  const codec = createEventCodec(topic.valueSchema, o.schemaRegistry);
  const receivedAt = Date.now();
  const skew = o.config.events.maxFutureSkewMs;
  const validate: (event: AnyEvent) => ContractResult =
    o.stream === 'sensors'
      ? (e) => validateReading(e as SensorReading, receivedAt, (t) => catalogue.specs(t), { maxFutureSkewMs: skew })
      : (e) => validateOrder(e as Order, receivedAt, skew);
  const toRow = (event: AnyEvent, partition: number, offset: string): Row =>
    o.stream === 'sensors'
      ? sensorReadingRow(event as SensorReading, { topic: topic.name, partition, offset })
      : orderRow(event as Order, { topic: topic.name, partition, offset });

  const skipped: Partial<Record<DeadLetterReason, number>> = {};
  const wanted = o.keys === undefined ? undefined : new Set(o.keys);
  const keyOf = (event: AnyEvent) => ('assetId' in event ? event.assetId : event.storeId);
  let staged = 0;
  const firstTimestamps: number[] = [];
  const read = await consumeReads(
    o,
    topic.name,
    reads,
    async (partition, messages) => {
      const ready = codec.prepareBatch(messages.map((m) => m.value));
      if (ready) await ready;
      const rows: Row[] = [];
      const skippedHere: DeadLetterReason[] = [];
      const skip = (reason: DeadLetterReason) => skippedHere.push(reason);
      for (const m of messages) {
        let event: AnyEvent | undefined;
        try {
          event = codec.decodeCached(m.value ?? Buffer.alloc(0)) as AnyEvent | undefined;
        } catch (error) {
          const reason = deadLetterReasonOf(error);
          if (reason === undefined) throw error;
          skip(reason);
          continue;
        }
        if (event === undefined) {
          skip('UNKNOWN_SCHEMA');
          continue;
        }
        if (wanted !== undefined && !wanted.has(keyOf(event))) continue;
        const check = validate(event);
        if (!check.ok) {
          skip(check.reason);
          continue;
        }
        // Outside the window nothing reads it; out-of-order stragglers before it are kept (they cost nothing).
        if (event.eventTime >= window.to) continue;
        rows.push(toRow(event, partition, m.offset));
      }
      for (let i = 0; i < rows.length; i += INSERT_ROWS) await o.ch.insertRows(table, rows.slice(i, i + INSERT_ROWS));
      // Counted once the batch is durable: a retried batch counts once.
      for (const reason of skippedHere) skipped[reason] = (skipped[reason] ?? 0) + 1;
      staged += rows.length;
      return staged;
    },
    (first) => firstTimestamps.push(first),
  );
  const knownFrom = knownFromOf(window, firstTimestamps);
  const elapsedMs = Math.round(performance.now() - started);
  log.info({ read, staged, skipped, elapsedMs, knownFrom: new Date(knownFrom).toISOString() }, 'topic staged');
  return { table, knownFrom, topic: topic.name, read, staged, skipped, elapsedMs };
}

/** Offsets to read per partition; refuses when the topic no longer holds what the range needs. */
async function partitionReads(
  kafka: Kafka,
  topic: string,
  window: ReturnType<typeof stagingWindow>,
): Promise<PartitionRead[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const watermarks = await admin.fetchTopicOffsets(topic);
    const windowStarts = await admin.fetchTopicOffsetsByTimestamp(topic, window.from);
    const neededStarts = await admin.fetchTopicOffsetsByTimestamp(topic, window.needed);
    const offsetOf = (list: readonly { partition: number; offset: string }[], partition: number, fallback: number) =>
      Number(list.find((e) => e.partition === partition)?.offset ?? fallback);
    const plan = planStaging(
      watermarks.map((w) => {
        const high = Number(w.high);
        return {
          partition: w.partition,
          low: Number(w.low),
          high,
          windowStart: offsetOf(windowStarts, w.partition, high),
          neededStart: offsetOf(neededStarts, w.partition, high),
        };
      }),
    );
    if (plan.gone.length > 0) {
      throw replayError('VIGIL_REPLAY_KAFKA_RETENTION', { topic, detail: describeGone(plan.gone, window.needed) });
    }
    return [...plan.reads];
  } finally {
    await admin.disconnect();
  }
}

interface Message {
  readonly offset: string;
  readonly timestamp: string;
  readonly value: Buffer | null;
}

/**
 * Reads each partition from its start to its end offset (adapters/kafka/offset-ranges.ts), handing each batch to
 * `onBatch`; registry or ClickHouse trouble in `onBatch` is retried (the batch's rows replace themselves), bad data
 * is not. Returns the number of records read.
 */
async function consumeReads(
  o: KafkaStagingOptions,
  topic: string,
  reads: readonly PartitionRead[],
  onBatch: (partition: number, messages: Message[]) => Promise<number>,
  onFirstOfTruncated: (timestamp: number) => void,
): Promise<number> {
  const stallTimeoutMs = o.stallTimeoutMs ?? 60_000;
  const truncated = new Set(reads.filter((r) => r.truncated).map((r) => r.partition));
  const total = reads.reduce((n, r) => n + Math.max(0, r.end - r.start), 0);
  let read = 0;
  const result = await readOffsetRanges(o.kafka, topic, reads, {
    groupPrefix: 'vigil-replay-staging',
    stallTimeoutMs,
    logger: o.logger,
    ...(o.signal ? { signal: o.signal } : {}),
    onBatch: async (partition, messages, { heartbeat, keepAlive }) => {
      if (truncated.delete(partition)) onFirstOfTruncated(Number(messages[0]!.timestamp));
      const staged = await withRetry(() => onBatch(partition, messages), STAGING_RETRY, {
        onRetry: (error, attempt, delayMs) => {
          o.logger.warn(
            { component: 'replay-staging', partition, attempt, delayMs, err: describeError(error) },
            'staging a batch failed; retrying',
          );
          heartbeat().catch(() => {});
          // Waiting out an outage is not a stalled broker: the retry budget decides.
          keepAlive();
        },
        ...(o.signal ? { signal: o.signal } : {}),
      });
      read += messages.length;
      o.onProgress?.({ read, total, staged });
    },
  });
  const left = result.unfinished.reduce((n, r) => n + r.end - r.start, 0);
  if (o.signal?.aborted && left > 0) {
    throw replayError('VIGIL_REPLAY_KAFKA_INTERRUPTED', {
      topic,
      runId: o.runId,
      read: result.read,
      total: result.total,
    });
  }
  if (left > 0) {
    throw replayError('VIGIL_REPLAY_KAFKA_STALLED', {
      topic,
      runId: o.runId,
      timeoutMs: stallTimeoutMs,
      left,
      partitions: result.unfinished.map((r) => `${r.partition}:[${r.start},${r.end})`).join(' '),
    });
  }
  return result.read;
}
