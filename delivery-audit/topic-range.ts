/**
 * The Kafka half of the delivery audit: which offsets a time range covers in each partition, and the records in
 * those offsets with their decoded event ids.
 *
 * The range follows Kafka's own time index (ListOffsets by timestamp): in each partition, from the first record
 * with a timestamp >= `from` up to, not including, the first record with a timestamp >= `to`. Record timestamps
 * are event times, and a partition is not sorted by them (late and out-of-order readings), so a few records
 * near the edges fall in or out of the range the same way whichever tool asks Kafka.
 */
import type { Kafka } from 'kafkajs';
import type { Logger } from '../adapters/logger.js';
import { deadLetterReasonOf } from '../core/events/errors.js';
import type { TopicRecord } from './compare.js';
import { reliabilityError } from './errors.js';

export interface OffsetRange {
  readonly partition: number;
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
}

/** Offset ranges of `[from, to)` per partition; records already removed by retention are out of reach. */
export async function offsetRangesForTimes(
  kafka: Kafka,
  topic: string,
  from: number,
  to: number,
): Promise<OffsetRange[]> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const [starts, ends, watermarks] = [
      await admin.fetchTopicOffsetsByTimestamp(topic, from),
      await admin.fetchTopicOffsetsByTimestamp(topic, to),
      await admin.fetchTopicOffsets(topic),
    ];
    return starts
      .map(({ partition, offset }) => {
        const low = Number(watermarks.find((w) => w.partition === partition)?.low ?? 0);
        const end = Number(ends.find((e) => e.partition === partition)?.offset ?? offset);
        return { partition, start: Math.max(Number(offset), low), end };
      })
      .sort((a, b) => a.partition - b.partition);
  } finally {
    await admin.disconnect();
  }
}

/** The event id of a record's value; undefined when the bytes are not an event (dead-letter material). */
export type EventIdOf = (value: Buffer | null) => Promise<string | undefined>;

/** Wraps a decoder: decode errors that map to a dead-letter reason give undefined, anything else is thrown. */
export function eventIdReader(decode: (bytes: Buffer) => Promise<{ eventId: string }>): EventIdOf {
  return async (value) => {
    try {
      return (await decode(value ?? Buffer.alloc(0))).eventId;
    } catch (error) {
      if (deadLetterReasonOf(error) !== undefined) return undefined;
      throw error;
    }
  };
}

export interface ReadRangesOptions {
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/**
 * Every record of `ranges`, per partition, in offset order. Uses a throw-away consumer group that never commits
 * (the audit must not move anyone's offsets) and is deleted afterwards.
 */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly OffsetRange[],
  eventIdOf: EventIdOf,
  { timeoutMs, logger }: ReadRangesOptions,
): Promise<Map<number, TopicRecord[]>> {
  const out = new Map<number, TopicRecord[]>(ranges.map((r) => [r.partition, []]));
  const pending = new Map(ranges.filter((r) => r.end > r.start).map((r) => [r.partition, r]));
  if (pending.size === 0) return out;
  const wanted = [...pending.values()].reduce((s, r) => s + r.end - r.start, 0);
  const groupId = `vigil-audit-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
  const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
  let read = 0;
  let failed: unknown;
  let finish: () => void = () => {};
  const done = new Promise<void>((resolve) => {
    finish = resolve;
  });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      autoCommit: false,
      eachBatch: async ({ batch }) => {
        const range = pending.get(batch.partition);
        if (range === undefined) return;
        try {
          const records = out.get(batch.partition)!;
          for (const message of batch.messages) {
            const offset = Number(message.offset);
            if (offset < range.start || offset >= range.end) continue;
            // A re-fetch after a seek may repeat offsets already read.
            if (records.length > 0 && offset <= records[records.length - 1]!.offset) continue;
            records.push({ partition: batch.partition, offset, eventId: await eventIdOf(message.value) });
            read += 1;
          }
          const last = records[records.length - 1]?.offset ?? range.start - 1;
          // Compacted or aborted transactional offsets leave gaps: the batch's last offset also ends the range.
          if (last >= range.end - 1 || Number(batch.lastOffset()) >= range.end - 1) {
            pending.delete(batch.partition);
            consumer.pause([{ topic, partitions: [batch.partition] }]);
            if (pending.size === 0) finish();
          }
        } catch (error) {
          failed = error;
          finish();
        }
      },
    });
    for (const r of pending.values()) consumer.seek({ topic, partition: r.partition, offset: String(r.start) });
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), timeoutMs);
      }),
    ]);
    clearTimeout(timer);
    if (failed !== undefined) throw failed;
    if (timedOut) {
      throw reliabilityError('VIGIL_RELIABILITY_AUDIT_READ_TIMEOUT', {
        topic,
        timeoutMs,
        read,
        wanted,
        ranges: [...pending.values()].map((r) => `${r.partition}:[${r.start},${r.end})`).join(' '),
      });
    }
    return out;
  } finally {
    await consumer.disconnect();
    const admin = kafka.admin();
    await admin.connect();
    try {
      await admin.deleteGroups([groupId]);
    } catch (error) {
      // The group holds no offsets; the broker expires it on its own. Worth a line, not a failed audit.
      logger.warn({ groupId, err: (error as Error).message }, 'could not delete the audit consumer group');
    } finally {
      await admin.disconnect();
    }
  }
}
