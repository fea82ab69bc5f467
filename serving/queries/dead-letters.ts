/** Dead letters (FINAL: one row per source topic/partition/offset), with their original bytes for replay. */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';

export interface DeadLetterView {
  stream: string;
  sourceTopic: string;
  sourcePartition: number;
  sourceOffset: string;
  reason: string;
  message: string;
  receivedAt: number;
  valueBytes: number;
}

const COLUMNS = `stream, source_topic AS sourceTopic, source_partition AS sourcePartition,
  toString(source_offset) AS sourceOffset, reason, message, toUnixTimestamp64Milli(received_at) AS receivedAt,
  length(ifNull(record_value, '')) AS valueBytes`;

function toView(r: Record<string, unknown>): DeadLetterView {
  return { ...(r as unknown as DeadLetterView), receivedAt: Number(r.receivedAt), valueBytes: Number(r.valueBytes) };
}

export async function listDeadLetters(
  ch: ClickHouse,
  f: { stream?: string; reason?: string; limit: number },
): Promise<DeadLetterView[]> {
  const where = [f.stream ? 'stream = {stream:String}' : '', f.reason ? 'reason = {reason:String}' : ''].filter(
    Boolean,
  );
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT ${COLUMNS} FROM dead_letters FINAL ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
     ORDER BY received_at DESC LIMIT {limit:UInt32}`,
    { stream: f.stream ?? '', reason: f.reason ?? '', limit: f.limit },
    { maxRows: f.limit },
  );
  return rows.map(toView);
}

export interface DeadLetterRecord extends DeadLetterView {
  key: Buffer | null;
  value: Buffer | null;
}

export async function getDeadLetter(
  ch: ClickHouse,
  topic: string,
  partition: number,
  offset: string,
): Promise<DeadLetterRecord | undefined> {
  const rows = await ch.query<Record<string, unknown>>(
    `SELECT ${COLUMNS}, base64Encode(record_key) AS keyB64, base64Encode(record_value) AS valueB64
     FROM dead_letters FINAL
     WHERE source_topic = {topic:String} AND source_partition = {partition:Int32} AND source_offset = {offset:Int64}
     LIMIT 1`,
    { topic, partition, offset },
  );
  const r = rows[0];
  if (r === undefined) return undefined;
  return {
    ...toView(r),
    key: r.keyB64 === null ? null : Buffer.from(String(r.keyB64), 'base64'),
    value: r.valueB64 === null ? null : Buffer.from(String(r.valueB64), 'base64'),
  };
}
