/** The ClickHouse half of the delivery audit: what the raw, dead-letter and inference tables hold for a range. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { InferenceTally, StoredRow } from './compare.js';
import type { OffsetRange } from './topic-range.js';

const COORDINATES = `source_topic = {topic:String} AND source_partition = {partition:Int32}
  AND source_offset >= {start:Int64} AND source_offset < {end:Int64}`;

/** Raw rows and dead letters whose source coordinates fall in `range` (FINAL: what queries see). */
export async function storedForRange(
  ch: ClickHouse,
  rawTable: 'sensor_readings' | 'orders',
  topic: string,
  range: OffsetRange,
): Promise<{ stored: StoredRow[]; deadLetterOffsets: number[] }> {
  const params = { topic, partition: range.partition, start: range.start, end: range.end };
  // Room for every offset twice: duplicates are what the audit looks for, they must not hit the row limit.
  const maxRows = 2 * (range.end - range.start) + 10;
  const stored = await ch.query<{ event_id: string; source_offset: string }>(
    `SELECT event_id, source_offset FROM ${rawTable} FINAL WHERE ${COORDINATES}`,
    params,
    { maxRows },
  );
  const dead = await ch.query<{ source_offset: string }>(
    `SELECT source_offset FROM dead_letters FINAL WHERE ${COORDINATES}`,
    params,
    { maxRows },
  );
  return {
    stored: stored.map((r) => ({ offset: Number(r.source_offset), eventId: r.event_id })),
    deadLetterOffsets: dead.map((r) => Number(r.source_offset)),
  };
}

const IDS_PER_QUERY = 1_000;

/** Which of `ids` the raw table holds at all (from any coordinates). */
export async function storedIds(
  ch: ClickHouse,
  rawTable: 'sensor_readings' | 'orders',
  ids: readonly string[],
): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += IDS_PER_QUERY) {
    const chunk = ids.slice(i, i + IDS_PER_QUERY);
    const rows = await ch.query<{ event_id: string }>(
      `SELECT DISTINCT event_id FROM ${rawTable} FINAL WHERE event_id IN {ids:Array(String)}`,
      { ids: chunk },
      { maxRows: chunk.length + 1 },
    );
    for (const r of rows) found.add(r.event_id);
  }
  return found;
}

/** Scores of the live stream (run_id '') for the range's records: distinct events, and rows seen twice. */
export async function inferenceTally(
  ch: ClickHouse,
  topic: string,
  ranges: readonly OffsetRange[],
): Promise<InferenceTally> {
  let scoredEvents = 0;
  let duplicated = 0;
  for (const range of ranges) {
    if (range.end <= range.start) continue;
    const [row] = await ch.query<{ n: string; u: string; scored: string }>(
      `SELECT count() AS n, uniqExact(event_id, model_name, model_role) AS u, uniqExact(event_id) AS scored
         FROM inferences FINAL WHERE run_id = '' AND ${COORDINATES}`,
      { topic, partition: range.partition, start: range.start, end: range.end },
    );
    scoredEvents += Number(row?.scored ?? 0);
    duplicated += Number(row?.n ?? 0) - Number(row?.u ?? 0);
  }
  return { scoredEvents, duplicated };
}
