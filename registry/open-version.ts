/**
 * Loads a registered version for scoring: the ONNX file from the content-addressed store, checked against the
 * version's own card as the registry holds it (contract against the processor's feature set, file hash, ONNX I/O,
 * parity). The store entry's card.json is the first card stored with that file; when several versions share one
 * file (a relabelled version) only the registry's card is the version's, so this is what processors should call
 * (for a single-card entry it is the same as `openModelDir(store.dirOf(info), featureSet)`).
 */
import { basename, join } from 'node:path';
import type { ModelStore } from '../adapters/model-store/index.js';
import { checkParity, OnnxScorer, type OpenedModel } from '../adapters/onnx/index.js';
import { checkContract, type ProcessorFeatureSet } from '../core/model/contract.js';
import type { ModelVersionInfo } from '../core/model/registry.js';

export async function openModelVersion(
  store: ModelStore,
  info: Pick<ModelVersionInfo, 'onnxSha256' | 'card'>,
  featureSet: ProcessorFeatureSet,
): Promise<OpenedModel> {
  const { card } = info;
  checkContract(card, featureSet);
  const scorer = await OnnxScorer.load(card, join(store.dirOf(info), basename(card.onnx.file)));
  try {
    await checkParity(card, scorer);
  } catch (error) {
    await scorer.close();
    throw error;
  }
  return { card, scorer };
}
