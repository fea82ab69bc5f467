/**
 * `vigil serve`: the API and web UI (serving/). Opens ClickHouse, loads the models (the registry's production and
 * shadow versions, or VIGIL_API_MODEL_DIRS), wires Kafka (dead-letter replay, ingest, readiness) and the schema
 * registry probe, creates a bootstrap admin key when no key
 * exists (printed once to the terminal, never logged), listens on VIGIL_API_HOST:VIGIL_API_PORT and stops
 * cleanly on SIGINT/SIGTERM (in-flight requests finish, every buffered audit row is written).
 */
import type { Command } from 'commander';
import { type ClickHouse, createMigratedClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import type { ModelRegistry } from '../../core/model/registry.js';
import { AssetTypeCatalogue } from '../../core/plant/asset-type-catalogue.js';
import { assetTypes, channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { loadPlant } from '../../producers/plant/load-plant.js';
import type { KafkaPublisher } from '../../producers/publish/kafka-publisher.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import type { ReadingPublisher } from '../../serving/context.js';
import { createKafkaIo, registryProbe } from '../../serving/io/kafka.js';
import { KeyStore } from '../../serving/keys/key-store.js';
import { LoadedModels } from '../../serving/scoring/loaded-models.js';
import { loadModelDirs } from '../../serving/scoring/model-dirs.js';
import { createServer } from '../../serving/server.js';
import { LiveModels } from '../../stream-processors/live-models.js';
import type { CliContext, Output } from '../context.js';
import { modelSourceFor } from '../model-source.js';

/** Creates an admin key when none exists; prints it to `out` only (the logger never sees it). */
export async function ensureBootstrapKey(ch: ClickHouse, out: Output): Promise<boolean> {
  const store = new KeyStore(ch, { cacheMs: 0 });
  if ((await store.count()) > 0) return false;
  const { record, token } = await store.create({ role: 'admin', name: 'bootstrap admin', createdBy: 'vigil serve' });
  out.write(
    `\nNo API key existed: created the bootstrap admin key ${record.id}. It is shown only this once:\n\n  ${token}\n\n` +
      'Log in to the UI with it, then create personal keys (`vigil keys create --role ... --name ...`) and revoke this one.\n\n',
  );
  return true;
}

export interface ServedModels {
  readonly registry?: ModelRegistry;
  onModelChange?(name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The models the API scores with: the directories of VIGIL_API_MODEL_DIRS when set, otherwise the production and
 * shadow versions of `sensors-<asset type>` in the model registry (the committed defaults are registered first,
 * as the processors do), reloaded after every change made through the API.
 */
export async function loadServedModels(ctx: CliContext, ch: ClickHouse, models: LoadedModels): Promise<ServedModels> {
  const config = ctx.config();
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  const dirs = (config.serving.modelDirs ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (dirs.length > 0) {
    await loadModelDirs(dirs, (assetType) => stream.featureSet(assetType), models);
    return { close: async () => {} };
  }
  const source = await modelSourceFor(
    ctx,
    ch,
    new AssetTypeCatalogue(await loadPlant(ctx.config().producers.plantFile)),
  );
  const live = new LiveModels({
    stream: 'sensors',
    featureSetOf: (subject) => stream.featureSet(subject),
    source,
    logger: ctx.logger(),
    onChange: (subject, loaded) => models.set(subject, loaded),
  });
  await live.loadAll(assetTypes());
  return {
    registry: source.registry,
    async onModelChange(name) {
      live.requestReload(name);
      await live.applyPending();
    },
    close: () => live.close(),
  };
}

/** Ingest through the producers' publishing library, opened on first use so the API starts while Kafka is down. */
export function lazyReadingPublisher(config: Config, logger: Logger): ReadingPublisher & { close(): Promise<void> } {
  let publisher: Promise<KafkaPublisher<SensorReading>> | undefined;
  return {
    async publish(readings) {
      publisher ??= openPublisher('sensor-readings', config, logger).catch((error: unknown) => {
        publisher = undefined;
        throw error;
      });
      const p = await publisher;
      for (const r of readings) await p.write(r);
      await p.flush();
      return { published: readings.length };
    },
    async close() {
      await (await publisher)?.close();
    },
  };
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the API (/v1, /docs, /metrics) and the web UI')
    .action(async () => {
      const config = ctx.config();
      const logger = ctx.logger();
      const metrics = createMetricsRegistry();
      const ch = await createMigratedClickHouse(config, logger, { metrics });
      const kafka = createKafkaIo(config, logger);
      const ingest = lazyReadingPublisher(config, logger);
      let served: ServedModels | undefined;
      try {
        const models = new LoadedModels();
        served = await loadServedModels(ctx, ch, models);
        if (models.size === 0) {
          logger.warn({ component: 'api' }, 'no model loaded: scores come back unscored');
        }
        if (config.serving.bootstrapKey) await ensureBootstrapKey(ch, ctx.out);
        const server = await createServer({
          config,
          logger,
          ch,
          metrics,
          models,
          registry: served.registry,
          onModelChange: served.onModelChange,
          rawPublisher: kafka.publisher,
          readingPublisher: ingest,
          readiness: [kafka.probe, registryProbe(config.registry)],
        });
        const url = await server.app.listen({ host: config.api.host, port: config.api.port });
        ctx.out.write(`Vigil API and UI on ${url} (OpenAPI at ${url}/docs)\n`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        ctx.out.write('stopping: finishing requests, writing the audit trail\n');
        await server.close();
      } finally {
        await served?.close();
        await ingest.close();
        await kafka.close();
        await ch.close();
      }
    });
}
