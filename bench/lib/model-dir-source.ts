/**
 * Models for an in-process processor without the model registry: each `<dir>/<name>/card.json` is the production
 * version of `<name>` (the committed defaults in models/). The processor still checks contract, hash and parity.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { ModelSource } from '../../stream-processors/live-models.js';

export function modelDirSource(dir: string): ModelSource {
  return {
    async locate(name) {
      const modelDir = resolve(dir, name);
      const cardPath = join(modelDir, 'card.json');
      if (!existsSync(cardPath)) return {};
      const card = JSON.parse(readFileSync(cardPath, 'utf8')) as { version: string };
      return { production: { version: card.version, dir: modelDir } };
    },
  };
}
