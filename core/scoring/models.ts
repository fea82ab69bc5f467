/**
 * What the scoring pipeline needs from a model, and nothing more: the ONNX runtime, the model store and the
 * registry stay behind these interfaces (adapters/onnx implements BatchScorer).
 */
import type { FeatureHistogram } from '../features/index.js';

export type ModelRole = 'production' | 'shadow';

export interface BatchScorer {
  /** Scores `n` rows of a flat row-major float32 matrix; one score per row, higher = more anomalous. */
  scoreBatch(rows: Float32Array, n: number): Promise<Float32Array>;
}

export interface ScoringModel {
  readonly name: string;
  readonly version: string;
  readonly role: ModelRole;
  readonly threshold: number;
  /** Hash of the feature set the model was trained on; must equal the pipeline's (checked at load). */
  readonly featureSetHash: string;
  readonly scorer: BatchScorer;
  /**
   * Reference distributions of the features on normal training rows (model card `reference.features`): alert
   * explanations judge channel levels against them. Absent: explanations use the windows alone.
   */
  readonly reference?: Readonly<Record<string, FeatureHistogram>>;
}

/** Which models score a subject (asset type or `store`) right now: production first, then any shadow. */
export interface ModelSelector {
  modelsFor(subject: string): readonly ScoringModel[];
}

/** A fixed set of models by subject (API requests, replay with a chosen version, tests). */
export function staticModels(bySubject: Readonly<Record<string, readonly ScoringModel[]>>): ModelSelector {
  return { modelsFor: (subject) => bySubject[subject] ?? [] };
}
