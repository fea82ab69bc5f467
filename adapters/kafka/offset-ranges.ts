/**
 * Reads given offset ranges of a topic, once each, in offset order per partition: the delivery audit and
 * `vigil replay --source kafka` both read "these offsets of these partitions" rather than a live stream.
 *
 * A consumer of a throw-away group that never commits (nobody's offsets move) seeks each partition to its start;
 * a re-fetch after a seek or a rebalance may repeat offsets, so each partition's next expected offset filters them
 * out, and records at or past the end are not handed over. A range ends at its end offset, or at the batch whose
 * last offset reaches it (compacted or aborted transactional offsets leave gaps). The group is deleted afterwards.
 *
 * Completion is judged by progress, not by total time: a large range may take long, a silent broker may not.
 * The caller turns an unfinished read (stalled or aborted) into its own error.
 */
import { randomUUID } from 'node:crypto';
import type { Kafka, KafkaMessage } from 'kafkajs';
import type { Logger } from '../logger.js';

export interface OffsetRange {
  readonly partition: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

export interface BatchContext {
  /** Keeps the group membership alive during long work on a batch. */
  heartbeat(): Promise<void>;
  /** Tells the stall watchdog the caller is making progress of its own (e.g. waiting out an outage). */
  keepAlive(): void;
}

export interface ReadOffsetRangesOptions {
  /** Prefix of the throw-away group id (the rest is random), so operators can tell whose group it was. */
  readonly groupPrefix: string;
  /** Gives up when no batch completed (and nobody called keepAlive) for this long, ms. */
  readonly stallTimeoutMs: number;
  readonly signal?: AbortSignal;
  readonly logger: Logger;
  /** The records of one partition's range, in offset order, never one twice. */
  onBatch(partition: number, messages: KafkaMessage[], context: BatchContext): Promise<void>;
}

export interface OffsetRangesRead {
  /** Records handed to onBatch. */
  readonly read: number;
  /** Records the ranges span (offsets; gaps make it an upper bound). */
  readonly total: number;
  /** Ranges not finished (stalled or aborted), from the next offset that was due. */
  readonly unfinished: readonly OffsetRange[];
}

export async function readOffsetRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly OffsetRange[],
  o: ReadOffsetRangesOptions,
): Promise<OffsetRangesRead> {
  const pending = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  const total = [...pending.values()].reduce((n, r) => n + r.end - r.start, 0);
  const next = new Map([...pending.values()].map((r) => [r.partition, r.start]));
  const unfinished = () => [...pending.values()].map((r) => ({ ...r, start: next.get(r.partition)! }));
  if (pending.size === 0) return { read: 0, total, unfinished: [] };
  const groupId = `${o.groupPrefix}-${randomUUID()}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let read = 0;
  let lastProgress = Date.now();
  let failure: unknown;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch, heartbeat }) => {
        const range = pending.get(batch.partition);
        if (range === undefined || failure !== undefined || o.signal?.aborted) return;
        try {
          const from = next.get(batch.partition)!;
          const messages = batch.messages.filter((m) => Number(m.offset) >= from && Number(m.offset) < range.end);
          if (messages.length > 0) {
            await o.onBatch(batch.partition, messages, {
              heartbeat,
              keepAlive: () => {
                lastProgress = Date.now();
              },
            });
            // A heartbeat refused during a rebalance is harmless: `next` skips whatever is fetched again.
            await heartbeat().catch(() => {});
            read += messages.length;
            next.set(batch.partition, Number(messages[messages.length - 1]!.offset) + 1);
            lastProgress = Date.now();
          }
          if (next.get(batch.partition)! >= range.end || Number(batch.lastOffset()) >= range.end - 1) {
            pending.delete(batch.partition);
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            if (pending.size === 0) finish();
          }
        } catch (error) {
          failure = error;
          finish();
        }
      },
    });
    for (const r of pending.values()) consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
    const onAbort = () => finish();
    o.signal?.addEventListener('abort', onAbort, { once: true });
    const watchdog = setInterval(
      () => {
        if (Date.now() - lastProgress > o.stallTimeoutMs) finish();
      },
      Math.min(1_000, o.stallTimeoutMs),
    );
    try {
      await done;
    } finally {
      clearInterval(watchdog);
      o.signal?.removeEventListener('abort', onAbort);
    }
    if (failure !== undefined) throw failure;
    return { read, total, unfinished: unfinished() };
  } finally {
    await consumer.disconnect().catch(() => {});
    await deleteGroup(kafka, groupId, o.logger);
  }
}

async function deleteGroup(kafka: Kafka, groupId: string, logger: Logger): Promise<void> {
  const admin = kafka.admin();
  try {
    await admin.connect();
    await admin.deleteGroups([groupId]);
  } catch (error) {
    // The group holds no offsets and the broker expires it on its own: worth a line, not a failure.
    logger.warn({ groupId, err: (error as Error).message }, 'could not delete a throw-away consumer group');
  } finally {
    await admin.disconnect().catch(() => {});
  }
}
