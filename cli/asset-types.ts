/**
 * The asset types a CLI command knows: the plant description's (VIGIL_PLANT_FILE or the committed default) and
 * those registered at run time by imports (ClickHouse asset_types), so a model of imported equipment passes the
 * same contract checks in every role.
 */
import { loadAssetTypes } from '../adapters/clickhouse/asset-types.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { AssetTypeCatalogue } from '../core/plant/asset-type-catalogue.js';
import { loadPlant } from '../producers/plant/load-plant.js';

import type { CliContext } from './context.js';

export async function knownAssetTypes(ctx: CliContext, ch: ClickHouse): Promise<AssetTypeCatalogue> {
  const catalogue = new AssetTypeCatalogue(await loadPlant(ctx.config().producers.plantFile));
  await loadAssetTypes(ch, catalogue);
  return catalogue;
}
