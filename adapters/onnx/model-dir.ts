/**
 * Opens a model directory as training/ writes it (card.json + the ONNX file it names) for a processor:
 * parse the card, check the contract against the processor's feature set, load the file (hash + I/O checked),
 * then run the card's parity rows. Any failure is a typed VigilError and nothing stays loaded.
 */
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { type ModelCard, parseCardText } from '../../core/model/card.js';
import { checkContract, type ProcessorFeatureSet } from '../../core/model/contract.js';
import { modelError } from '../../core/model/errors.js';
import { checkParity } from './parity.js';
import { OnnxScorer, type ScorerOptions } from './scorer.js';

export interface OpenedModel {
  readonly card: ModelCard;
  readonly scorer: OnnxScorer;
}

export async function readCard(dir: string): Promise<ModelCard> {
  const path = join(dir, 'card.json');
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw modelError('VIGIL_MODEL_FILE_UNREADABLE', { path, reason: (error as Error).message }, error);
  }
  return parseCardText(text, path);
}

export async function openModelDir(
  dir: string,
  featureSet: ProcessorFeatureSet,
  options: ScorerOptions = {},
): Promise<OpenedModel> {
  const card = await readCard(dir);
  checkContract(card, featureSet);
  // The card names a file inside its own directory; a path elsewhere is not followed.
  const scorer = await OnnxScorer.load(card, join(dir, basename(card.onnx.file)), options);
  try {
    await checkParity(card, scorer);
  } catch (error) {
    await scorer.close();
    throw error;
  }
  return { card, scorer };
}
