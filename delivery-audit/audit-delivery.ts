/**
 * `auditDelivery`: does ClickHouse hold every record a topic holds in a time range, once? Reads the topic's
 * records of the range (decoding event ids), then the raw, dead-letter and inference tables for the same source
 * coordinates, and accounts for each record (compare.ts says how).
 */
import type { Kafka } from 'kafkajs';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import { auditPartition, type DeliveryAudit, type PartitionAudit, totalsOf, unresolvedIds } from './compare.js';
import { reliabilityError } from './errors.js';
import { inferenceTally, storedForRange, storedIds } from './stored-rows.js';
import { type EventIdOf, offsetRangesForTimes, readRanges } from './topic-range.js';

export interface AuditDeliveryInput {
  readonly kafka: Kafka;
  readonly ch: ClickHouse;
  readonly eventIdOf: EventIdOf;
  readonly stream: 'sensors' | 'orders';
  readonly topic: string;
  readonly rawTable: 'sensor_readings' | 'orders';
  readonly from: number;
  readonly to: number;
  /** Bound on reading the topic, ms. */
  readonly readTimeoutMs: number;
  /** Refuse ranges with more records than this (one entry per record is kept in memory). */
  readonly maxRecords: number;
  readonly logger: Logger;
}

export async function auditDelivery(input: AuditDeliveryInput): Promise<DeliveryAudit> {
  const log = input.logger.child({ component: 'delivery-audit', stream: input.stream });
  const ranges = await offsetRangesForTimes(input.kafka, input.topic, input.from, input.to);
  const records = ranges.reduce((s, r) => s + Math.max(0, r.end - r.start), 0);
  if (records > input.maxRecords)
    throw reliabilityError('VIGIL_RELIABILITY_AUDIT_TOO_LARGE', { records, limit: input.maxRecords });
  log.info({ topic: input.topic, records, ranges }, 'reading the topic range');
  const byPartition = await readRanges(input.kafka, input.topic, ranges, input.eventIdOf, {
    timeoutMs: input.readTimeoutMs,
    logger: log,
  });
  const partitions: PartitionAudit[] = [];
  for (const range of ranges) {
    const topicRecords = byPartition.get(range.partition) ?? [];
    const { stored, deadLetterOffsets } = await storedForRange(input.ch, input.rawTable, input.topic, range);
    const unresolved = unresolvedIds({ partition: range.partition, records: topicRecords, stored, deadLetterOffsets });
    const storedElsewhere =
      unresolved.length > 0 ? await storedIds(input.ch, input.rawTable, unresolved) : new Set<string>();
    partitions.push(
      auditPartition({ partition: range.partition, records: topicRecords, stored, deadLetterOffsets, storedElsewhere }),
    );
  }
  const inferences = await inferenceTally(input.ch, input.topic, ranges);
  const audit: DeliveryAudit = {
    stream: input.stream,
    topic: input.topic,
    from: input.from,
    to: input.to,
    partitions,
    inferences,
    totals: totalsOf(partitions, inferences),
  };
  log.info({ totals: audit.totals }, 'delivery audit finished');
  return audit;
}
