/**
 * The model contract (architecture contract 4): a processor refuses a model whose card declares another feature
 * set than the one the processor computes. Name, version and hash must be equal, and the features must be the
 * same names in the same order, because the ONNX input is a positional vector.
 */
import type { FeatureSetRef, ModelCard } from './card.js';
import { modelError } from './errors.js';

/**
 * The processor's side: a card-style reference, or the feature engine's FeatureSet (core/features), which names its
 * ordered features `featureNames` and whose `hash` is the sha256 of its canonical definition.
 */
export type ProcessorFeatureSet =
  | FeatureSetRef
  | {
      readonly name: string;
      readonly version: string | number;
      readonly hash: string;
      readonly featureNames: readonly string[];
    };

export function toFeatureSetRef(featureSet: ProcessorFeatureSet): FeatureSetRef {
  if ('features' in featureSet) return featureSet;
  const { name, version, hash, featureNames } = featureSet;
  return { name, version, hash, features: [...featureNames] };
}

/** Every way the card's feature set differs from the processor's, as readable lines (empty = they match). */
export function contractDifferences(card: Pick<ModelCard, 'featureSet'>, processor: ProcessorFeatureSet): string[] {
  const mine = card.featureSet;
  const featureSet = toFeatureSetRef(processor);
  const differences: string[] = [];
  if (mine.name !== featureSet.name) differences.push(`name: model has "${mine.name}", processor "${featureSet.name}"`);
  if (String(mine.version) !== String(featureSet.version)) {
    differences.push(`version: model has ${mine.version}, processor ${featureSet.version}`);
  }
  if (mine.hash !== featureSet.hash) differences.push(`hash: model has ${mine.hash}, processor ${featureSet.hash}`);
  if (mine.features.length !== featureSet.features.length) {
    differences.push(`feature count: model has ${mine.features.length}, processor ${featureSet.features.length}`);
  }
  const missing = featureSet.features.filter((f) => !mine.features.includes(f));
  const extra = mine.features.filter((f) => !featureSet.features.includes(f));
  if (missing.length > 0) differences.push(`features the model lacks: ${missing.join(', ')}`);
  if (extra.length > 0) differences.push(`features only the model has: ${extra.join(', ')}`);
  if (missing.length === 0 && extra.length === 0) {
    const moved = mine.features
      .map((f, i) =>
        featureSet.features[i] === f ? undefined : `${f} at ${i} (processor: ${featureSet.features.indexOf(f)})`,
      )
      .filter((d): d is string => d !== undefined);
    if (moved.length > 0) differences.push(`feature order differs: ${moved.join(', ')}`);
  }
  return differences;
}

/** Throws VIGIL_MODEL_CONTRACT_MISMATCH listing every difference when the card does not fit the feature set. */
export function checkContract(
  card: Pick<ModelCard, 'name' | 'version' | 'featureSet'>,
  featureSet: ProcessorFeatureSet,
): void {
  const differences = contractDifferences(card, featureSet);
  if (differences.length === 0) return;
  throw modelError('VIGIL_MODEL_CONTRACT_MISMATCH', {
    model: `${card.name}@${card.version}`,
    featureSet: `${featureSet.name}@${featureSet.version}`,
    differences: differences.join('; '),
  });
}
