/**
 * Puts the committed default models (models/<name>/) into production where a model name has none, so `npm start`
 * scores from the first event with no Python step. Idempotent: a name that already has a production version is
 * left alone (an operator's promotion or rollback always wins over the defaults).
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelRegistry } from '../core/model/registry.js';

export interface BootstrapResult {
  readonly name: string;
  readonly version: string;
  /** `promoted`: the default went to production; `kept`: the model already had a production version. */
  readonly outcome: 'promoted' | 'kept';
}

export const BOOTSTRAP_REASON = 'bootstrap: committed default model (models/), no production version yet';

export async function bootstrapDefaultModels(
  registry: ModelRegistry,
  modelsDir: string,
  actor: string,
): Promise<BootstrapResult[]> {
  const dirs = readdirSync(modelsDir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(join(modelsDir, d.name, 'card.json')))
    .map((d) => join(modelsDir, d.name))
    .sort();
  const results: BootstrapResult[] = [];
  for (const dir of dirs) {
    const registered = await registry.register(dir, actor);
    const current = await registry.production(registered.name);
    if (current !== undefined) {
      results.push({ name: registered.name, version: current.version, outcome: 'kept' });
      continue;
    }
    await registry.promote({ name: registered.name, version: registered.version, actor, reason: BOOTSTRAP_REASON });
    results.push({ name: registered.name, version: registered.version, outcome: 'promoted' });
  }
  return results;
}
