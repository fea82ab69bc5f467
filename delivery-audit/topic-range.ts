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
import { type OffsetRange, readOffsetRanges } from '../adapters/kafka/offset-ranges.js';
import type { Logger } from '../adapters/logger.js';
import { deadLetterReasonOf } from '../core/events/errors.js';
import type { TopicRecord } from './compare.js';
import { reliabilityError } from './errors.js';

export type { OffsetRange };

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
  /** Give up when no record arrived for this long, ms. */
  readonly timeoutMs: number;
  readonly logger: Logger;
}

/** Every record of `ranges`, per partition, in offset order, with its event id (adapters/kafka/offset-ranges.ts). */
export async function readRanges(
  kafka: Kafka,
  topic: string,
  ranges: readonly OffsetRange[],
  eventIdOf: EventIdOf,
  { timeoutMs, logger }: ReadRangesOptions,
): Promise<Map<number, TopicRecord[]>> {
  const out = new Map<number, TopicRecord[]>(ranges.map((r) => [r.partition, []]));
  const result = await readOffsetRanges(kafka, topic, ranges, {
    groupPrefix: 'vigil-audit',
    stallTimeoutMs: timeoutMs,
    logger,
    onBatch: async (partition, messages) => {
      const records = out.get(partition)!;
      for (const m of messages) {
        records.push({ partition, offset: Number(m.offset), eventId: await eventIdOf(m.value) });
      }
    },
  });
  if (result.unfinished.length > 0) {
    throw reliabilityError('VIGIL_RELIABILITY_AUDIT_READ_TIMEOUT', {
      topic,
      timeoutMs,
      read: result.read,
      wanted: result.total,
      ranges: result.unfinished.map((r) => `${r.partition}:[${r.start},${r.end})`).join(' '),
    });
  }
  return out;
}
