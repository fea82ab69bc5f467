/** The production model versions and their cards, from model_versions (latest state per version with FINAL). */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { type ModelCard, parseCardText } from '../core/model/card.js';

export interface ProductionModel {
  readonly name: string;
  readonly version: string;
  readonly stream: string;
  readonly card: ModelCard;
}

/**
 * Every production version, optionally of one model. A card that does not parse throws
 * VIGIL_MODEL_CARD_INVALID naming the model and version: the registry holds a card it should have refused.
 */
export async function readProductionModels(ch: ClickHouse, model?: string): Promise<ProductionModel[]> {
  const rows = await ch.query<{ name: string; version: string; stream: string; card: string }>(
    `SELECT name, version, stream, card FROM model_versions FINAL
     WHERE state = 'production' AND ({model:String} = '' OR name = {model:String})
     ORDER BY name, version`,
    { model: model ?? '' },
  );
  return rows.map((r) => ({
    name: r.name,
    version: r.version,
    stream: r.stream,
    card: parseCardText(r.card, `model_versions ${r.name} ${r.version}`),
  }));
}
