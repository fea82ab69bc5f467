/** Replay and backfill (see README.md). */
export { type ChunkInput, type ChunkOutput, scoreChunk } from './chunk-scorer.js';
export { type Comparison, compareRuns, formatComparison } from './compare.js';
export { replayError } from './errors.js';
export {
  dropStagingTable,
  type StagingProgress,
  type StagingResult,
  stageFromKafka,
  stagingTableOf,
} from './kafka-staging.js';
export { chooseModels, loadModels, type ModelChoice, type VersionLookup } from './models.js';
export { formatProgress, type Progress } from './progress.js';
export { RawSource, type StagedInput } from './raw-source.js';
export { type ReplaySummary, runReplay } from './replay-job.js';
export { type ReplayDeps, type ReplayRequest, replayRange, workerCount } from './replay-range.js';
export {
  type Chunk,
  defaultRunId,
  parseModelVersions,
  planChunks,
  type ReplaySource,
  type ReplaySpec,
} from './run-spec.js';
export { type KeyHistory, type WarmStart, warmStart } from './warmup.js';
