/**
 * Reads the history a training export needs from ClickHouse, through the narrow ClickHouse interface: raw events
 * of one subject (FINAL: each retried event once), per key in event-time order, paged by keyset (a page is
 * buffered whole), and the ground truth overlapping the range. Readings start `warmupMs` before the range so the
 * first rows of the range have full windows, as they had in the live stream.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Order, PaymentOutcome, SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';

const PAGE = 10_000;

export interface HistoryRange {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  /** Extra history read before `from` to fill the windows (the longest window). */
  readonly warmupMs: number;
}

interface ReadingRow {
  event_id: string;
  asset_id: string;
  asset_type: string;
  site: string;
  line: string;
  t: string;
  seq: string;
  channels: Record<string, number | null>;
}

/** Sensor readings of one asset type, per asset in (event_time, event_id) order. */
export async function* readSensorHistory(
  ch: ClickHouse,
  assetType: string,
  range: HistoryRange,
): AsyncGenerator<SensorReading> {
  let after: { asset: string; t: number; id: string } | undefined;
  for (;;) {
    const rows = await ch.query<ReadingRow>(
      `SELECT event_id, asset_id, asset_type, site, line, toUnixTimestamp64Milli(event_time) AS t, seq, channels
       FROM sensor_readings FINAL
       WHERE asset_type = {assetType:String}
         AND event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})
         ${after ? 'AND (asset_id, event_time, event_id) > ({aAsset:String}, fromUnixTimestamp64Milli({aT:Int64}), {aId:String})' : ''}
       ORDER BY asset_id, event_time, event_id
       LIMIT ${PAGE}`,
      {
        assetType,
        from: range.from - range.warmupMs,
        to: range.to,
        ...(after ? { aAsset: after.asset, aT: after.t, aId: after.id } : {}),
      },
      { maxRows: PAGE },
    );
    for (const r of rows) {
      const channels: Record<string, number> = {};
      // NaN/inf come back as null in JSON: absent = missing for the feature engine, as NaN is.
      for (const [name, v] of Object.entries(r.channels)) if (typeof v === 'number') channels[name] = v;
      yield {
        eventId: r.event_id,
        assetId: r.asset_id,
        assetType: r.asset_type,
        site: r.site,
        line: r.line,
        eventTime: Number(r.t),
        seq: Number(r.seq),
        channels,
        quality: [],
      };
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { asset: last.asset_id, t: Number(last.t), id: last.event_id };
  }
}

interface OrderRow {
  event_id: string;
  store_id: string;
  t: string;
  amount: number;
  currency: string;
  items: number;
  payment_method: string;
  payment_outcome: string;
  country: string;
  channel: string;
}

/** Orders of every store, per store in (event_time, event_id) order. */
export async function* readOrderHistory(ch: ClickHouse, range: HistoryRange): AsyncGenerator<Order> {
  let after: { store: string; t: number; id: string } | undefined;
  for (;;) {
    const rows = await ch.query<OrderRow>(
      `SELECT event_id, store_id, toUnixTimestamp64Milli(event_time) AS t, amount, currency, items, payment_method,
              payment_outcome, country, channel
       FROM orders FINAL
       WHERE event_time >= fromUnixTimestamp64Milli({from:Int64}) AND event_time < fromUnixTimestamp64Milli({to:Int64})
         ${after ? 'AND (store_id, event_time, event_id) > ({aStore:String}, fromUnixTimestamp64Milli({aT:Int64}), {aId:String})' : ''}
       ORDER BY store_id, event_time, event_id
       LIMIT ${PAGE}`,
      {
        from: range.from - range.warmupMs,
        to: range.to,
        ...(after ? { aStore: after.store, aT: after.t, aId: after.id } : {}),
      },
      { maxRows: PAGE },
    );
    for (const r of rows) {
      yield {
        eventId: r.event_id,
        storeId: r.store_id,
        eventTime: Number(r.t),
        amount: r.amount,
        currency: r.currency,
        items: Number(r.items),
        paymentMethod: r.payment_method,
        paymentOutcome: r.payment_outcome as PaymentOutcome,
        country: r.country,
        channel: r.channel,
      };
    }
    if (rows.length < PAGE) return;
    const last = rows[rows.length - 1]!;
    after = { store: last.store_id, t: Number(last.t), id: last.event_id };
  }
}

/** Channel names seen in the readings of an asset type the plant catalogue does not know (imported equipment). */
export async function channelsInData(ch: ClickHouse, assetType: string): Promise<string[]> {
  const rows = await ch.query<{ channel: string }>(
    `SELECT DISTINCT arrayJoin(mapKeys(channels)) AS channel FROM sensor_readings
     WHERE asset_type = {assetType:String} ORDER BY channel`,
    { assetType },
  );
  return rows.map((r) => r.channel);
}

/** Fault spans of a stream that overlap [from, to). */
export async function readGroundTruth(
  ch: ClickHouse,
  stream: string,
  from: number,
  to: number,
): Promise<Pick<GroundTruth, 'key' | 'kind' | 'start' | 'end'>[]> {
  const rows = await ch.query<{ key: string; kind: string; s: string; e: string }>(
    `SELECT key, kind, toUnixTimestamp64Milli(start_time) AS s, toUnixTimestamp64Milli(end_time) AS e
     FROM fault_ground_truth FINAL
     WHERE stream = {stream:String}
       AND end_time >= fromUnixTimestamp64Milli({from:Int64}) AND start_time < fromUnixTimestamp64Milli({to:Int64})
     ORDER BY key, start_time`,
    { stream, from, to },
    { maxRows: 1_000_000 },
  );
  return rows.map((r) => ({ key: r.key, kind: r.kind, start: Number(r.s), end: Number(r.e) }));
}
