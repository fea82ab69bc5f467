/** Asset types registered at run time, stored in ClickHouse (asset_types) so every process and replay knows them. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { AssetTypeCatalogue } from '../core/plant/asset-type-catalogue.js';

export interface AssetTypeRow {
  readonly assetType: string;
  readonly channels: readonly string[];
}

export function assetTypeRow(t: AssetTypeRow): Row {
  return { asset_type: t.assetType, channels: t.channels, source: 'first reading', registered_by: 'vigil process' };
}

/** Adds the stored types to the catalogue; returns the names added. */
export async function loadAssetTypes(ch: ClickHouse, catalogue: AssetTypeCatalogue): Promise<string[]> {
  const rows = await ch.query<{ asset_type: string; channels: string[] }>(
    'SELECT asset_type, channels FROM asset_types FINAL ORDER BY asset_type',
    {},
    { maxRows: 100_000 },
  );
  return rows.filter((r) => catalogue.register(r.asset_type, r.channels)).map((r) => r.asset_type);
}
