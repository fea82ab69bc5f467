/**
 * `vigil serve`: the API and web UI (serving/). Opens ClickHouse, loads the models of VIGIL_API_MODEL_DIRS, wires
 * Kafka (dead-letter replay, readiness) and the schema registry probe, creates a bootstrap admin key when no key
 * exists (printed once to the terminal, never logged), listens on VIGIL_API_HOST:VIGIL_API_PORT and stops
 * cleanly on SIGINT/SIGTERM (in-flight requests finish, every buffered audit row is written).
 */
import type { Command } from 'commander';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import type { Config } from '../../core/config/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { createKafkaIo, registryProbe } from '../../serving/io/kafka.js';
import { KeyStore } from '../../serving/keys/key-store.js';
import { LoadedModels } from '../../serving/scoring/loaded-models.js';
import { loadModelDirs } from '../../serving/scoring/model-dirs.js';
import { createServer } from '../../serving/server.js';
import type { CliContext, Output } from '../context.js';

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

export async function loadConfiguredModels(config: Config, models: LoadedModels): Promise<void> {
  const dirs = (config.serving.modelDirs ?? '')
    .split(',')
    .map((d) => d.trim())
    .filter(Boolean);
  if (dirs.length === 0) return;
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  await loadModelDirs(dirs, (assetType) => stream.featureSet(assetType), models);
}

export function registerServe(program: Command, ctx: CliContext): void {
  program
    .command('serve')
    .description('run the API (/v1, /docs, /metrics) and the web UI')
    .action(async () => {
      const config = ctx.config();
      const logger = ctx.logger();
      const metrics = createMetricsRegistry();
      const ch = await createClickHouse(config, logger, { metrics });
      const kafka = createKafkaIo(config, logger);
      try {
        const models = new LoadedModels();
        await loadConfiguredModels(config, models);
        if (models.size === 0) {
          logger.warn({ component: 'api' }, 'no model loaded: scores come back unscored (set VIGIL_API_MODEL_DIRS)');
        }
        if (config.serving.bootstrapKey) await ensureBootstrapKey(ch, ctx.out);
        const server = await createServer({
          config,
          logger,
          ch,
          metrics,
          models,
          rawPublisher: kafka.publisher,
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
        await kafka.close();
        await ch.close();
      }
    });
}
