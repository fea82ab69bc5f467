/** Asset types registered at run time, stored in ClickHouse (asset_types) so every process and replay knows them. */
import type { AssetTypeCatalogue, RegisteredAssetType } from '../../core/plant/asset-type-catalogue.js';
import type { ClickHouse, Row } from './types.js';

export type AssetTypeRow = RegisteredAssetType;

export function assetTypeRow(t: AssetTypeRow): Row {
  return { asset_type: t.assetType, channels: t.channels, source: 'first reading', registered_by: 'vigil process' };
}

/** Every stored asset type with its channels. */
export async function storedAssetTypes(ch: ClickHouse): Promise<AssetTypeRow[]> {
  const rows = await ch.query<{ asset_type: string; channels: string[] }>(
    'SELECT asset_type, channels FROM asset_types FINAL ORDER BY asset_type',
    {},
    { maxRows: 100_000 },
  );
  return rows.map((r) => ({ assetType: r.asset_type, channels: r.channels }));
}

/** Adds the stored types to the catalogue; returns the names added. */
export async function loadAssetTypes(ch: ClickHouse, catalogue: AssetTypeCatalogue): Promise<string[]> {
  const rows = await storedAssetTypes(ch);
  return rows.filter((r) => catalogue.register(r.assetType, r.channels)).map((r) => r.assetType);
}
