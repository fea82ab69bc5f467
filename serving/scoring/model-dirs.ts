/**
 * Loads model directories (card.json + ONNX, as training/ writes them) for the API, checking each card against
 * the feature set the API computes for its asset type (contract, hash, parity: adapters/onnx openModelDir).
 * Until the model registry serves production versions, `VIGIL_API_MODEL_DIRS` lists them.
 */
import { openModelDir, readCard } from '../../adapters/onnx/index.js';
import type { FeatureSet } from '../../core/features/index.js';
import type { ScoringModel } from '../../core/scoring/index.js';
import { servingError } from '../errors.js';
import type { LoadedModels } from './loaded-models.js';

export async function loadModelDirs(
  dirs: readonly string[],
  featureSetOf: (assetType: string) => FeatureSet | undefined,
  into: LoadedModels,
): Promise<ScoringModel[]> {
  const loaded: ScoringModel[] = [];
  const bySubject = new Map<string, ScoringModel[]>();
  for (const dir of dirs) {
    const card = await readCard(dir);
    const featureSet = featureSetOf(card.assetType);
    if (featureSet === undefined) {
      throw servingError('VIGIL_SERVING_UNAVAILABLE', {
        feature: `Model ${card.name}@${card.version} (${dir})`,
        reason: `asset type ${card.assetType} is not in the plant catalogue`,
      });
    }
    const { scorer } = await openModelDir(dir, featureSet);
    const model: ScoringModel = {
      name: card.name,
      version: card.version,
      role: 'production',
      threshold: card.threshold,
      featureSetHash: card.featureSet.hash,
      scorer,
      reference: card.reference.features,
    };
    loaded.push(model);
    bySubject.set(card.assetType, [...(bySubject.get(card.assetType) ?? []), model]);
  }
  for (const [subject, models] of bySubject) into.set(subject, models);
  return loaded;
}
