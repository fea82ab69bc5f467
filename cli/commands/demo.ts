/**
 * `vigil demo` (what `npm start` runs): every role in one process on the embedded defaults: the local stack
 * (started if needed), migrations, the default models, both stream processors, the plant and order simulators
 * in real time (with the last minutes back-filled so windows are warm and scores appear at once), the API and
 * UI, and the monitoring jobs. One process owns the embedded ClickHouse, as chDB requires; in production each
 * role is its own process against a ClickHouse server. Ctrl-C stops everything cleanly (simulators flush,
 * processors commit, the audit trail is written); the stack keeps running (`vigil stack down` stops it).
 */
import type { Command } from 'commander';
import { applyMigrations, createClickHouse } from '../../adapters/clickhouse/index.js';
import { ensureTopicsFromConfig } from '../../adapters/kafka/topics.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { registerSchemasFromConfig } from '../../adapters/registry/register-schemas.js';
import { liveAlertRulesFor } from '../../alert-workflow/index.js';
import { AssetTypeCatalogue } from '../../core/plant/asset-type-catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { startMonitoring } from '../../monitoring/start-monitoring.js';
import { OrderSimulator } from '../../producers/orders/order-simulator.js';
import { loadPlant, withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { type EventSource, runRealtime, systemClock } from '../../producers/run-source.js';
import { ClickHouseTruthSink } from '../../producers/sinks/clickhouse-truth-sink.js';
import type { EventSink } from '../../producers/sinks/event-sink.js';
import { createKafkaIo, registryProbe } from '../../serving/io/kafka.js';
import { LoadedModels } from '../../serving/scoring/loaded-models.js';
import { createServer } from '../../serving/server.js';
import { planStack, stackUp } from '../../stack/index.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import type { CliContext } from '../context.js';
import { modelSourceFor } from '../model-source.js';
import { untilSignal } from '../signals.js';
import { subjectsOf } from './process.js';
import { ensureBootstrapKey } from './serve.js';

const SENSOR_BACKFILL_MS = 20 * 60_000;
const ORDER_BACKFILL_MS = 70 * 60_000;

export function registerDemo(program: Command, ctx: CliContext): void {
  program
    .command('demo')
    .description('run every role in one process on the embedded defaults (what `npm start` runs)')
    .option('--assets <n>', 'simulated plant assets', (v) => Number.parseInt(v, 10), 14)
    .option('--stores <n>', 'simulated stores', (v) => Number.parseInt(v, 10), 5)
    .option('--fault-rate <n>', 'faults per asset per simulated day', Number, 24)
    .action(async (o: { assets: number; stores: number; faultRate: number }) => {
      const config = ctx.config();
      const logger = ctx.logger();
      const say = (line: string) => ctx.out.write(`${line}\n`);
      const stopped = new AbortController();
      const signalled = untilSignal(stopped.signal);
      const cleanups: (() => Promise<unknown>)[] = [];
      try {
        say('vigil demo: starting the local stack (first run fetches Kafka and the registry from Maven Central)');
        await stackUp(planStack(config), { env: ctx.env, report: (line) => say(`  stack: ${line}`) });

        const metrics = createMetricsRegistry();
        const ch = await createClickHouse(config, logger, { createDatabase: true, metrics });
        cleanups.push(() => ch.close());
        const migrated = await applyMigrations(ch, logger);
        const topics = await ensureTopicsFromConfig(config, logger);
        await registerSchemasFromConfig(config);
        say(`  storage: ${migrated.applied.length} migrations applied; topics: ${topics.created.length} created`);

        const plant = withOverrides(await loadPlant(config.producers.plantFile), { faultsPerAssetPerDay: o.faultRate });
        const assetTypes = new AssetTypeCatalogue(plant);
        const models = await modelSourceFor(ctx, ch, assetTypes);
        const apiModels = new LoadedModels();
        const processors = (['sensors', 'orders'] as const).map(
          (stream) =>
            new StreamProcessor({
              stream,
              config,
              logger,
              clickhouse: ch,
              metrics,
              models,
              subjects: subjectsOf(stream),
              publishAllInferences: config.processor.publishAllInferences,
              alertRules: liveAlertRulesFor(stream, ch, config, logger),
              assetTypes,
              onFatal: () => stopped.abort(),
              ...(stream === 'sensors' ? { onModelsChange: (s, m) => apiModels.set(s, m) } : {}),
            }),
        );
        for (const processor of processors) {
          cleanups.push(() => processor.stop());
          await processor.start();
        }
        say(`  processors: sensors and orders, models ${JSON.stringify(processors[0]!.models.describe())}`);

        const kafkaIo = createKafkaIo(config, logger);
        cleanups.push(() => kafkaIo.close());
        await ensureBootstrapKey(ch, ctx.out);
        const readingPublisher = await openPublisher('sensor-readings', config, logger, { metrics });
        cleanups.push(() => readingPublisher.close());
        const server = await createServer({
          config,
          logger,
          ch,
          metrics,
          models: apiModels,
          registry: models.registry,
          rawPublisher: kafkaIo.publisher,
          readingPublisher: {
            async publish(readings) {
              for (const r of readings) await readingPublisher.write(r);
              await readingPublisher.flush();
              return { published: readings.length };
            },
          },
          readiness: [kafkaIo.probe, registryProbe(config.registry)],
        });
        cleanups.push(() => server.close());
        const url = await server.app.listen({ host: config.api.host, port: config.api.port });

        const monitoring = startMonitoring({ ch, config, logger, registry: metrics });
        cleanups.push(() => monitoring.stop());

        const now = Date.now();
        const runs = [
          simulate(
            (onTruth) =>
              new PlantSimulator(plant, {
                seed: now % 100_000,
                start: now - SENSOR_BACKFILL_MS,
                assets: o.assets,
                onTruth,
              }),
            await openPublisher('sensor-readings', config, logger, { metrics }),
          ),
          simulate(
            (onTruth) =>
              new OrderSimulator({ seed: now % 100_000, start: now - ORDER_BACKFILL_MS, stores: o.stores, onTruth }),
            await openPublisher('orders', config, logger, { metrics }),
          ),
        ];
        function simulate<E>(make: (onTruth: (t: GroundTruth) => void) => EventSource<E>, sink: EventSink<E>) {
          const pending: GroundTruth[] = [];
          const source = make((t) => pending.push(t));
          const truth = { pending, sink: new ClickHouseTruthSink(ch) };
          return runRealtime({ source, sink, truth, signal: stopped.signal }, systemClock).finally(async () => {
            await sink.close();
            await truth.sink.close();
          });
        }

        say(
          `\nVigil is running:\n` +
            `  UI and API   ${url}   (OpenAPI: ${url}/docs, metrics: ${url}/metrics)\n` +
            `  simulators   ${o.assets} plant assets at 1 Hz, ${o.stores} stores (last minutes back-filled)\n` +
            `  Kafka        ${config.kafka.brokers.join(',')}   registry ${config.registry.url}\n` +
            `  ClickHouse   ${ch.target}\n` +
            'Press Ctrl-C to stop.\n',
        );
        await signalled;
        say('stopping: simulators flush, processors commit, the audit trail is written...');
        stopped.abort();
        await Promise.allSettled(runs);
      } finally {
        for (const cleanup of cleanups.reverse()) {
          await cleanup().catch((error: unknown) => logger.error({ err: (error as Error).message }, 'stopping failed'));
        }
      }
      say('stopped. The local stack keeps running: `npx vigil stack down` stops it.');
    });
}
