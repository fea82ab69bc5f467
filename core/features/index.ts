/** The feature engine's public surface (see README.md for the semantics). */
export { type ChannelNormal, channelNormals, type FeatureHistogram, histogramQuantile } from './channel-normals.js';
export { type ChannelStat, type ChannelStatsReader, channelStatsReader } from './channel-stats.js';
export {
  deriveFeatureSet,
  type FeatureDefaults,
  ORDER_CHANNELS,
  orderFeatureSet,
  orderToFeatureEvent,
  readingToFeatureEvent,
} from './derive-feature-set.js';
export { featuresError } from './errors.js';
export { createFeatureEngine, type FeatureEngine, type FeatureEngineStats } from './feature-engine.js';
export type { FeatureEvent, ProcessResult, Verdict } from './feature-event.js';
export {
  AGGREGATIONS,
  type Aggregation,
  canonicalJson,
  DEFAULT_WINDOWS_MS,
  defineFeatureSet,
  type FeatureSet,
  type FeatureSetDeclaration,
  SENSOR_AGGREGATIONS,
  windowLabel,
} from './feature-set.js';
export type { KeyStateSnapshot } from './key-state-snapshot.js';
