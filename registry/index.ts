/** The model registry's public surface (see README.md). */
export { BOOTSTRAP_REASON, type BootstrapResult, bootstrapDefaultModels } from './bootstrap.js';
export { compareShadow, type ShadowComparison } from './compare.js';
export { kafkaAnnouncer, type ModelAnnouncer } from './control-topic.js';
export { registryError } from './errors.js';
export { judgeRegression, pointMetrics, requireReason, sameEvaluationSet } from './gates.js';
export { ClickHouseModelRegistry, type FeatureSetOf, type ModelRegistryDeps } from './model-registry.js';
export {
  DEFAULT_REGRESSION_TOLERANCE,
  datasetsDirOf,
  modelStoreOf,
  type OpenModelRegistryDeps,
  openModelRegistry,
  processorFeatureSets,
} from './open-model-registry.js';
export { openModelVersion } from './open-version.js';
export { previousProduction, productionStack } from './production-history.js';
