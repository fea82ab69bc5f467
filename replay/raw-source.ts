/**
 * Reading a replay's input from the raw tables (the source of truth: exactly the events the live stream
 * accepted, deduplicated with FINAL).
 *
 * Order. A key's rows are read ordered by (source_partition, source_offset): the order the live processor saw
 * them, which is what the feature engine's result depends on (an event older than the key's newest goes through
 * the out-of-order path; equal times keep arrival order). Event time alone would not do: out-of-order arrivals
 * would become in-order ones and take a different numeric path. Rows without Kafka coordinates (offset -1, e.g.
 * written by another tool) come first, by event time.
 *
 * Range. Rows from the key's warm start (warmup.ts) up to the chunk end plus the allowed lateness: an event just
 * after the chunk end that arrived before an event inside it moved the key's newest time, so it must be seen.
 *
 * Table. The stream's raw table, or a staging table of the same columns (`--source kafka`, kafka-staging.ts)
 * that holds every record of the topic from `knownFrom` on. There a key's first row is not its first event
 * ever unless the table shows a retention of silence before it.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { RawTable } from '../adapters/clickhouse/raw-tables.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { KeyHistory } from './warmup.js';

const PAGE_ROWS = 50_000;
const MAX_KEYS = 1_000_000;

const ms = (name: string) => `fromUnixTimestamp64Milli({${name}:Int64}, 'UTC')`;

/** A table to read instead of the raw table: same columns, complete from `knownFrom` (epoch ms) on. */
export interface StagedInput {
  readonly table: string;
  readonly knownFrom: number;
}

export class RawSource<E> {
  readonly #ch: ClickHouse;
  readonly #raw: RawTable<E>;
  readonly #table: string;
  readonly #knownFrom: number | undefined;

  constructor(ch: ClickHouse, raw: RawTable<E>, staged?: StagedInput) {
    this.#ch = ch;
    this.#raw = raw;
    this.#table = staged?.table ?? raw.table;
    this.#knownFrom = staged?.knownFrom;
  }

  /** Keys with events in [from, to), sorted. */
  async keys(from: number, to: number): Promise<string[]> {
    const rows = await this.#ch.query<{ key: string }>(
      `SELECT DISTINCT ${this.#raw.keyColumn} AS key FROM ${this.#table}
       WHERE event_time >= ${ms('from')} AND event_time < ${ms('to')} ORDER BY key`,
      { from, to },
      { maxRows: MAX_KEYS },
    );
    return rows.map((r) => r.key);
  }

  /** Subjects (asset types) with events in [from, to) among `keys` (orders: always `store`). */
  async subjects(from: number, to: number, keys: readonly string[] | undefined): Promise<string[]> {
    if (this.#raw.table === 'orders') return ['store'];
    const rows = await this.#ch.query<{ t: string }>(
      `SELECT DISTINCT asset_type AS t FROM ${this.#table}
       WHERE event_time >= ${ms('from')} AND event_time < ${ms('to')}
         ${keys === undefined ? '' : 'AND asset_id IN {keys:Array(String)}'} ORDER BY t`,
      { from, to, keys: keys ?? [] },
      { maxRows: 10_000 },
    );
    return rows.map((r) => r.t);
  }

  /**
   * For each key: its first event ever, the events of [frame.from, frame.to) preceded (in time) by a gap longer
   * than `retentionMs`, and its first event at or after `chunkFrom` (see warmup.ts).
   */
  async histories(
    keys: readonly string[],
    frame: { from: number; to: number },
    chunkFrom: number,
    retentionMs: number,
  ): Promise<KeyHistory[]> {
    const k = this.#raw.keyColumn;
    const t = this.#table;
    const first = await this.#ch.query<{ key: string; first: string }>(
      `SELECT ${k} AS key, toString(toUnixTimestamp64Milli(min(event_time))) AS first FROM ${t}
       WHERE ${k} IN {keys:Array(String)} GROUP BY key`,
      { keys },
      { maxRows: keys.length + 1 },
    );
    const gaps = await this.#ch.query<{ key: string; gaps: string[]; n_after: string; first_after: string }>(
      `SELECT key, arraySort(groupArrayIf(t, rn > 1 AND t - prev > {r:Int64})) AS gaps,
              countIf(t >= {chunkFrom:Int64}) AS n_after, minIf(t, t >= {chunkFrom:Int64}) AS first_after
       FROM (
         SELECT ${k} AS key, toUnixTimestamp64Milli(event_time) AS t,
                lagInFrame(toUnixTimestamp64Milli(event_time)) OVER w AS prev, row_number() OVER w AS rn
         FROM ${t} FINAL
         WHERE ${k} IN {keys:Array(String)} AND event_time >= ${ms('from')} AND event_time < ${ms('to')}
         WINDOW w AS (PARTITION BY ${k} ORDER BY event_time, event_id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW)
       ) GROUP BY key`,
      { keys, from: frame.from, to: frame.to, r: retentionMs, chunkFrom },
      { maxRows: keys.length + 1 },
    );
    const firstOf = new Map(first.map((r) => [r.key, this.#firstEver(Number(r.first), retentionMs)]));
    const gapsOf = new Map(gaps.map((r) => [r.key, r]));
    return keys.map((key) => {
      const g = gapsOf.get(key);
      return {
        key,
        firstEver: firstOf.get(key),
        gapStarts: (g?.gaps ?? []).map(Number),
        firstAtOrAfter: g !== undefined && Number(g.n_after) > 0 ? Number(g.first_after) : undefined,
      };
    });
  }

  /** The rows of `keys` from each key's start up to `to` (exclusive), each key in arrival order. */
  async rows(starts: ReadonlyMap<string, number>, to: number): Promise<Row[]> {
    if (starts.size === 0) return [];
    const keys = [...starts.keys()];
    const from = Math.min(...starts.values());
    const k = this.#raw.keyColumn;
    const out: Row[] = [];
    for (let offset = 0; ; offset += PAGE_ROWS) {
      const page = await this.#ch.query(
        `SELECT ${this.#raw.columns}, source_topic, source_partition, ${k} AS replay_key
         FROM ${this.#table} FINAL
         WHERE ${k} IN {keys:Array(String)} AND event_time >= ${ms('from')} AND event_time < ${ms('to')}
         ORDER BY replay_key, source_partition, source_offset, event_time, event_id
         LIMIT {limit:UInt32} OFFSET {offset:UInt64}`,
        { keys, from, to, limit: PAGE_ROWS, offset },
        { maxRows: PAGE_ROWS },
      );
      for (const row of page) {
        if (Number(row.event_time_ms) >= (starts.get(String(row.replay_key)) ?? Number.POSITIVE_INFINITY)) {
          out.push(row);
        }
      }
      if (page.length < PAGE_ROWS) return out;
    }
  }

  /**
   * A staged key's first row is a fresh point only after a retention of silence the table can show; earlier,
   * the key had events before the table begins: -Infinity, older than any warm start considers.
   */
  #firstEver(first: number, retentionMs: number): number {
    if (this.#knownFrom === undefined || first >= this.#knownFrom + retentionMs) return first;
    return Number.NEGATIVE_INFINITY;
  }
}
