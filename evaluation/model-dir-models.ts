/**
 * The committed default models (models/<stream>-<subject>/, card.json + ONNX) as a static ModelSelector, each
 * opened with its contract, hash and parity checked against the feature set the stream computes.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { openModelDir } from '../adapters/onnx/index.js';
import type { FeatureSet } from '../core/features/index.js';
import { type ModelSelector, type ScoringModel, staticModels } from '../core/scoring/index.js';
import { evaluationError } from './errors.js';

export interface DirectoryModels {
  readonly selector: ModelSelector;
  readonly models: readonly ScoringModel[];
  close(): Promise<void>;
}

export async function openDirectoryModels(
  root: string,
  stream: string,
  subjects: readonly string[],
  featureSetOf: (subject: string) => FeatureSet | undefined,
): Promise<DirectoryModels> {
  const bySubject: Record<string, ScoringModel[]> = {};
  const closers: (() => Promise<void>)[] = [];
  const close = async () => {
    for (const c of closers) await c();
  };
  try {
    for (const subject of subjects) {
      const featureSet = featureSetOf(subject);
      const dir = join(root, `${stream}-${subject}`);
      if (featureSet === undefined || !existsSync(join(dir, 'card.json'))) {
        throw evaluationError('VIGIL_EVALUATION_MODEL_MISSING', { subject, dir });
      }
      // A card that exists but fails its contract, hash or parity check keeps its own typed error.
      const { card, scorer } = await openModelDir(dir, featureSet);
      closers.push(() => scorer.close());
      bySubject[subject] = [
        {
          name: card.name,
          version: card.version,
          role: 'production',
          threshold: card.threshold,
          featureSetHash: card.featureSet.hash,
          scorer,
          reference: card.reference.features,
        },
      ];
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { selector: staticModels(bySubject), models: Object.values(bySubject).flat(), close };
}
