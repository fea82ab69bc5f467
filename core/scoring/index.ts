export { CoalescedScorer } from './coalesced-scorer.js';
export { inferenceId } from './ids.js';
export { type BatchScorer, type ModelRole, type ModelSelector, type ScoringModel, staticModels } from './models.js';
export {
  type AlertRules,
  type FeatureRow,
  type PipelineItem,
  type ProcessOptions,
  type ScoredBatch,
  ScoringPipeline,
  type SourceRef,
} from './pipeline.js';
export {
  type ChannelNamesOf,
  type OrderStreamDefaults,
  orderStream,
  type SpeedChannelOf,
  type StreamDefinition,
  type StreamName,
  sensorStream,
} from './stream-definition.js';
export { type StreamScoring, streamScoringFromConfig } from './stream-from-config.js';
