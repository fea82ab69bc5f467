import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logger.js';
import { readCard } from '../../adapters/onnx/index.js';
import { configWith } from '../../core/config/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { LiveModels, type ModelLocation } from '../../stream-processors/live-models.js';

const V1_DIR = fileURLToPath(new URL('../../models/sensors-pump/', import.meta.url));
const V2_DIR = fileURLToPath(new URL('../fixtures/models/sensors-pump-v2/', import.meta.url));
const sensors = sensorStream(configWith({}).features, (t) => channelSpecs(t)?.map((c) => c.name));

/** LiveModels over a source whose production version of sensors-pump the test moves. */
async function pumpModels() {
  let production: ModelLocation = { version: (await readCard(V1_DIR)).version, dir: V1_DIR };
  const models = new LiveModels({
    stream: 'sensors',
    featureSetOf: (subject) => sensors.featureSet(subject),
    source: { locate: async () => ({ production }) },
    logger: createLogger('silent'),
  });
  await models.loadAll(['pump']);
  const promote = async (dir: string) => {
    production = { version: (await readCard(dir)).version, dir };
    models.requestReload('sensors-pump');
  };
  return { models, promote };
}

const versionOf = (models: LiveModels) => models.modelsFor('pump')[0]?.version;
let open: LiveModels | undefined;
afterEach(async () => {
  await open?.close();
  open = undefined;
});

describe('LiveModels: reloads while batches score concurrently', () => {
  it('makes every batch that asks during a reload wait for it, so none scores with the version replaced', async () => {
    const { models, promote } = await pumpModels();
    open = models;
    const v2 = (await readCard(V2_DIR)).version;
    await promote(V2_DIR);
    const [first, second] = await Promise.all([
      models.applyPending().then(() => versionOf(models)),
      models.applyPending().then(() => versionOf(models)),
    ]);
    expect([first, second]).toEqual([v2, v2]);
  });
});
