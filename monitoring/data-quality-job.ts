/** The data-quality job: the aggregates of data-quality-sql.ts at `now`, judged by data-quality.ts. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Plant } from '../core/plant/schema.js';
import { evaluateDataQuality, type QualityPolicy, type QualityReport } from './data-quality.js';
import {
  ASSET_QUALITY_SQL,
  type AssetQualityRow,
  CHANNEL_QUALITY_SQL,
  type ChannelQualityRow,
  DEAD_LETTER_SQL,
  type DeadLetterRow,
  INVALID_READINGS_SQL,
  type InvalidReadingsRow,
  ORDERS_ACCEPTED_SQL,
} from './data-quality-sql.js';

export interface QualitySettings {
  readonly staleAfterMs: number;
  readonly deadChannelAfterMs: number;
  readonly windowMs: number;
  readonly lookbackMs: number;
}

/** Sample interval and required channels per asset type, from the plant description. */
export function plantExpectations(plant: Plant): {
  intervals: Record<string, number>;
  requiredChannels: (assetType: string) => readonly string[] | undefined;
} {
  const intervals: Record<string, number> = {};
  const required = new Map<string, string[]>();
  for (const [name, type] of Object.entries(plant.assetTypes)) {
    intervals[name] = type.sampleIntervalMs;
    required.set(
      name,
      type.channels.filter((c) => c.required !== false).map((c) => c.name),
    );
  }
  return { intervals, requiredChannels: (t) => required.get(t) };
}

export async function measureDataQuality(
  ch: ClickHouse,
  plant: Plant,
  settings: QualitySettings,
  now: number,
): Promise<QualityReport> {
  const { intervals, requiredChannels } = plantExpectations(plant);
  const params = { now, windowFrom: now - settings.windowMs, lookbackFrom: now - settings.lookbackMs, intervals };
  const big = { maxRows: 500_000 };
  const assets = await ch.query<AssetQualityRow>(ASSET_QUALITY_SQL, params, big);
  const channels = await ch.query<ChannelQualityRow>(CHANNEL_QUALITY_SQL, params, big);
  const deadLetters = await ch.query<DeadLetterRow>(DEAD_LETTER_SQL, params);
  const invalid = await ch.query<InvalidReadingsRow>(INVALID_READINGS_SQL, params, big);
  const orders = await ch.query<{ accepted: string }>(ORDERS_ACCEPTED_SQL, params);
  const policy: QualityPolicy = { ...settings, requiredChannels };
  return evaluateDataQuality(
    { assets, channels, deadLetters, invalid, ordersAccepted: Number(orders[0]?.accepted ?? 0) },
    policy,
    now,
  );
}
