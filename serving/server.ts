/**
 * Composition of the serving role from its clients: the key store, the audit log, the API scorer, the live alert
 * feed and the fastify app. `vigil serve`, `vigil demo` and the tests call `createServer`; `close()` stops taking
 * requests, then writes every buffered inference and audit row (none is lost on a clean shutdown).
 */
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { FeatureSetNames } from '../adapters/clickhouse/feature-set-names.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import { createMetricsRegistry, type Registry } from '../adapters/metrics.js';
import { alertPolicyFromConfig } from '../core/alerts/index.js';
import type { Config } from '../core/config/index.js';
import type { ModelRegistry } from '../core/model/registry.js';
import { channelSpecs, speedChannel } from '../core/plant/catalogue.js';
import type { ChannelNamesOf } from '../core/scoring/index.js';
import { buildApp } from './app.js';
import { AuditLog } from './audit/audit-log.js';
import { BufferedInsert } from './buffered-insert.js';
import type { RawPublisher, ReadinessProbe, ReadingPublisher, ServingContext } from './context.js';
import { KeyStore } from './keys/key-store.js';
import { AlertFeed } from './live/alert-feed.js';
import { ApiScorer } from './scoring/api-scorer.js';
import { LoadedModels } from './scoring/loaded-models.js';

/** Where `npm run build:ui` writes the UI. */
export const DEFAULT_UI_DIR = fileURLToPath(new URL('./ui/dist/', import.meta.url));

export interface CreateServerOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly ch: ClickHouse;
  readonly metrics?: Registry;
  readonly models?: LoadedModels;
  readonly registry?: ModelRegistry;
  readonly rawPublisher?: RawPublisher;
  readonly readingPublisher?: ReadingPublisher;
  readonly readiness?: readonly ReadinessProbe[];
  readonly channelNamesOf?: ChannelNamesOf;
  readonly uiDir?: string | null;
  readonly now?: () => number;
  readonly onModelChange?: (modelName: string) => Promise<void>;
}

export interface Server {
  readonly app: FastifyInstance;
  readonly ctx: ServingContext;
  close(): Promise<void>;
}

export async function createServer(options: CreateServerOptions): Promise<Server> {
  const { config, logger, ch } = options;
  const metrics = options.metrics ?? createMetricsRegistry();
  const models = options.models ?? new LoadedModels();
  const audit = new AuditLog(ch, logger, { flushIntervalMs: config.serving.auditFlushMs, metrics });
  const inferenceRows = new BufferedInsert(ch, 'inferences', logger.child({ component: 'api-inferences' }), {
    flushIntervalMs: config.serving.auditFlushMs,
    // An insert has a fixed cost (~3 ms of the embedded engine's CPU for these rows) and encodes its rows by turns
    // of the event loop (adapters/clickhouse/client.ts), so a larger batch costs requests no longer pause.
    maxBatch: 1_000,
  });
  const ctx: ServingContext = {
    config,
    ch,
    logger,
    metrics,
    keys: new KeyStore(ch, { cacheMs: config.serving.keyCacheMs, logger: logger.child({ component: 'api-keys' }) }),
    audit,
    inferenceRows,
    models,
    scorer: new ApiScorer({
      features: config.features,
      channelNamesOf: options.channelNamesOf ?? ((t) => channelSpecs(t)?.map((c) => c.name)),
      speedChannelOf: (t) => speedChannel(t),
      alertPolicy: alertPolicyFromConfig('sensors.api', config.alerts),
      models,
      inferenceRows,
      featureSetNames: new FeatureSetNames(ch),
    }),
    alertFeed: new AlertFeed(ch, logger, { pollMs: config.serving.livePollMs }),
    readiness: [
      {
        name: 'clickhouse',
        check: () => ch.ping(),
      },
      ...(options.readiness ?? []),
    ],
    registry: options.registry,
    rawPublisher: options.rawPublisher,
    readingPublisher: options.readingPublisher,
    uiDir: options.uiDir === null ? undefined : (options.uiDir ?? DEFAULT_UI_DIR),
    now: options.now,
    onModelChange: options.onModelChange,
  };
  let app: FastifyInstance;
  try {
    app = await buildApp(ctx);
  } catch (error) {
    await inferenceRows.close();
    await audit.close();
    throw error;
  }
  return {
    app,
    ctx,
    async close() {
      ctx.alertFeed.stop();
      try {
        await app.close();
      } finally {
        // Inference rows first: the audit rows name them.
        try {
          await inferenceRows.close();
        } finally {
          await audit.close();
        }
      }
    },
  };
}
