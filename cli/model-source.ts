/**
 * Where processors find model versions: the model registry (production and shadow per model name, files from the
 * content-addressed store). At start the committed defaults (VIGIL_MODELS_DIR) are registered and promoted for
 * every model that has no production version yet, so a fresh installation scores out of the box.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import type { ModelRegistry } from '../core/model/registry.js';
import type { AssetTypeCatalogue } from '../core/plant/asset-type-catalogue.js';
import { bootstrapDefaultModels, type ClickHouseModelRegistry, openModelRegistry } from '../registry/index.js';
import type { ModelSource } from '../stream-processors/live-models.js';
import type { CliContext } from './context.js';

export async function modelSourceFor(
  ctx: CliContext,
  clickhouse: ClickHouse,
  assetTypes: AssetTypeCatalogue,
): Promise<ModelSource & { readonly registry: ModelRegistry }> {
  const config = ctx.config();
  const logger = ctx.logger();
  const registry = openModelRegistry({
    ch: clickhouse,
    kafka: createKafkaClient(config, logger, { clientIdSuffix: 'models' }),
    schemaRegistry: createRegistryClient(config),
    config,
    logger,
    channelNamesOf: (t) => assetTypes.channelNames(t),
  });
  await bootstrapDefaultModels(registry, config.processor.modelsDir, 'vigil-bootstrap');
  return registryModelSource(registry);
}

/** Production and shadow versions of a model, as the registry records them, with their files in its store. */
export function registryModelSource(
  registry: ClickHouseModelRegistry,
): ModelSource & { readonly registry: ModelRegistry } {
  return {
    registry,
    async locate(name) {
      const [production, shadow] = await Promise.all([registry.production(name), registry.shadowVersion(name)]);
      return {
        ...(production ? { production: { version: production.version, dir: registry.store.dirOf(production) } } : {}),
        ...(shadow ? { shadow: { version: shadow.version, dir: registry.store.dirOf(shadow) } } : {}),
      };
    },
  };
}
