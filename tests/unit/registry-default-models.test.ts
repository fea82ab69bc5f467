/**
 * The committed default models (models/<name>/) load in onnxruntime-node with parity against their cards, fit the
 * processors' feature set of their subject (so bootstrapDefaultModels can promote them), and stay under 1 MB.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { openModelDir } from '../../adapters/onnx/index.js';
import { configWith } from '../../core/config/index.js';
import { assetTypes } from '../../core/plant/catalogue.js';
import { processorFeatureSets } from '../../registry/index.js';

const MODELS = fileURLToPath(new URL('../../models/', import.meta.url));
const names = readdirSync(MODELS, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();
const featureSetOf = processorFeatureSets(configWith({}).features);

describe('committed default models', () => {
  it('cover every asset type of the default plant and the order stream', () => {
    expect(names).toEqual([...assetTypes().map((t) => `sensors-${t}`), 'orders-store'].sort());
  });

  it.each(names)('%s: contract, hash, parity in TypeScript, size < 1 MB', async (name) => {
    const dir = join(MODELS, name);
    const { readCard } = await import('../../adapters/onnx/index.js');
    const card = await readCard(dir);
    expect(card.name).toBe(name);
    const featureSet = featureSetOf(card.stream, card.assetType);
    expect(featureSet).toBeDefined();
    const opened = await openModelDir(dir, featureSet!);
    try {
      expect(opened.card.onnx.sizeBytes).toBeLessThan(1_000_000);
      expect(statSync(join(dir, 'model.onnx')).size).toBe(opened.card.onnx.sizeBytes);
    } finally {
      await opened.scorer.close();
    }
  });
});
