/**
 * `openModelRegistry(deps)`: the registry wired for a role (CLI, API, processor): model store under
 * `<VIGIL_DATA_DIR>/models`, snapshots under `<VIGIL_DATA_DIR>/datasets`, announcements on the declared
 * model-control topic, and the processors' feature sets derived exactly as the stream derives them
 * (core/scoring's stream definitions over the `features` config and the plant catalogue).
 */
import { resolve } from 'node:path';
import type { Kafka } from 'kafkajs';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import { ModelStore } from '../adapters/model-store/index.js';
import type { RegistryClient } from '../adapters/registry/client.js';
import type { Config } from '../core/config/index.js';
import { channelSpecs } from '../core/plant/catalogue.js';
import { type ChannelNamesOf, orderStream, sensorStream } from '../core/scoring/index.js';
import { topicsFromConfig } from '../core/topics.js';
import { kafkaAnnouncer, type ModelAnnouncer } from './control-topic.js';
import { ClickHouseModelRegistry, type FeatureSetOf } from './model-registry.js';

export const DEFAULT_REGRESSION_TOLERANCE = 0.01;

export interface OpenModelRegistryDeps {
  readonly ch: ClickHouse;
  readonly kafka: Kafka;
  readonly schemaRegistry: RegistryClient;
  readonly config: Pick<Config, 'general' | 'features' | 'kafka' | 'events'>;
  readonly logger: Logger;
  /** Channels of an asset type (default: the plant catalogue); give the processors' own lookup when it differs. */
  readonly channelNamesOf?: ChannelNamesOf;
  readonly regressionTolerance?: number;
  /** Replaces the Kafka announcer (tests of the registry logic alone). */
  readonly announcer?: ModelAnnouncer;
}

export function processorFeatureSets(
  features: Config['features'],
  channelNamesOf: ChannelNamesOf = (t) => channelSpecs(t)?.map((c) => c.name),
): FeatureSetOf {
  const sensors = sensorStream(features, channelNamesOf);
  const orders = orderStream(features);
  return (stream, subject) =>
    stream === 'sensors' ? sensors.featureSet(subject) : stream === 'orders' ? orders.featureSet(subject) : undefined;
}

export function modelStoreOf(config: Pick<Config, 'general'>): ModelStore {
  return new ModelStore(resolve(config.general.dataDir, 'models'));
}

export function datasetsDirOf(config: Pick<Config, 'general'>): string {
  return resolve(config.general.dataDir, 'datasets');
}

export function openModelRegistry(deps: OpenModelRegistryDeps): ClickHouseModelRegistry {
  const topics = topicsFromConfig(deps.config);
  const announcer =
    deps.announcer ??
    kafkaAnnouncer({
      kafka: deps.kafka,
      topic: topics.modelControl,
      schemaRegistry: deps.schemaRegistry,
      brokers: deps.config.kafka.brokers,
      logger: deps.logger,
    });
  return new ClickHouseModelRegistry({
    ch: deps.ch,
    store: modelStoreOf(deps.config),
    announcer,
    featureSetOf: processorFeatureSets(deps.config.features, deps.channelNamesOf),
    datasetsDir: datasetsDirOf(deps.config),
    regressionTolerance: deps.regressionTolerance ?? DEFAULT_REGRESSION_TOLERANCE,
    logger: deps.logger,
  });
}
