/**
 * The content-addressed model store: `<root>/<sha256 of the ONNX file>/` holds the ONNX file (under the name the
 * card gives it) and card.json (+ card.md when there is one). An entry is written once, into a temp directory
 * renamed into place, and never overwritten; every read checks that the file still has the hash its directory
 * and its card name, so a damaged store is reported instead of scored with.
 *
 * Default root: `<VIGIL_DATA_DIR>/models`. A processor asks the registry which version to run, then
 * `store.verified(info)` for the directory to hand to `openModelDir(dir, featureSet)`.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { type ModelCard, parseCardText } from '../../core/model/card.js';
import { modelError } from '../../core/model/errors.js';
import { sha256Hex } from '../../core/sha256.js';
import { modelStoreError } from './errors.js';

export interface StoredModel {
  readonly dir: string;
  readonly card: ModelCard;
  /** card.json as stored (the registry keeps the same text in ClickHouse). */
  readonly cardText: string;
}

const SHA256 = /^[0-9a-f]{64}$/;

async function readOrThrow(path: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw modelError('VIGIL_MODEL_FILE_UNREADABLE', { path, reason: (error as Error).message }, error);
  }
}

/** Reads a model directory as training writes it, refusing a card that does not describe its file. */
export async function readModelDir(dir: string): Promise<{ card: ModelCard; cardText: string; onnx: Buffer }> {
  const cardPath = join(dir, 'card.json');
  const cardText = (await readOrThrow(cardPath)).toString('utf8');
  const card = parseCardText(cardText, cardPath);
  // The card names a file in its own directory; a path elsewhere is not followed.
  const onnxPath = join(dir, basename(card.onnx.file));
  const onnx = await readOrThrow(onnxPath);
  const actual = sha256Hex(onnx);
  if (actual !== card.onnx.sha256) {
    throw modelError('VIGIL_MODEL_HASH_MISMATCH', { path: onnxPath, actual, expected: card.onnx.sha256 });
  }
  return { card, cardText, onnx };
}

export class ModelStore {
  readonly root: string;

  constructor(root: string) {
    this.root = resolve(root);
  }

  /** The directory of a stored model (no check; `verified` checks). */
  dirOf(info: { readonly onnxSha256: string }): string {
    if (!SHA256.test(info.onnxSha256)) {
      throw modelStoreError('VIGIL_MODELS_STORE_CORRUPT', {
        dir: this.root,
        detail: `"${info.onnxSha256}" is no sha256`,
      });
    }
    return join(this.root, info.onnxSha256);
  }

  /**
   * Copies a trained model directory into the store (a no-op when its ONNX file is already there). Returns the
   * source's card: when several cards share one ONNX file (same file, another version label), the entry keeps the
   * first card.json while the registry keeps each version's own card.
   */
  async put(sourceDir: string): Promise<StoredModel> {
    const { card, cardText, onnx } = await readModelDir(sourceDir);
    const dir = this.dirOf({ onnxSha256: card.onnx.sha256 });
    if (existsSync(dir)) return { ...(await this.verified({ onnxSha256: card.onnx.sha256 })), card, cardText };
    const tmp = join(this.root, `.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
    try {
      await mkdir(tmp, { recursive: true });
      await writeFile(join(tmp, basename(card.onnx.file)), onnx);
      await writeFile(join(tmp, 'card.json'), cardText);
      const md = await readFile(join(sourceDir, 'card.md')).catch(() => undefined);
      if (md !== undefined) await writeFile(join(tmp, 'card.md'), md);
      await rename(tmp, dir);
    } catch (error) {
      await rm(tmp, { recursive: true, force: true });
      // Another process stored the same file meanwhile: theirs is as good as ours once verified.
      if (existsSync(dir)) return { ...(await this.verified({ onnxSha256: card.onnx.sha256 })), card, cardText };
      throw modelStoreError('VIGIL_MODELS_STORE_FAILED', { dir: this.root, reason: (error as Error).message }, error);
    }
    return { dir, card, cardText };
  }

  /** The stored model, after checking the file against its directory name and its card. */
  async verified(info: { readonly onnxSha256: string }): Promise<StoredModel> {
    const dir = this.dirOf(info);
    if (!existsSync(dir)) {
      throw modelStoreError('VIGIL_MODELS_STORE_CORRUPT', { dir, detail: 'the directory is missing' });
    }
    const { card, cardText } = await readModelDir(dir);
    if (card.onnx.sha256 !== info.onnxSha256) {
      throw modelStoreError('VIGIL_MODELS_STORE_CORRUPT', {
        dir,
        detail: `its card describes ONNX ${card.onnx.sha256}, not ${info.onnxSha256}`,
      });
    }
    return { dir, card, cardText };
  }
}
