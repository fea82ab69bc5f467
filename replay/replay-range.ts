/**
 * The entry point of a replay for the CLI, the benchmark and tests: from what a user asks (stream, range, keys,
 * model versions, run id, source) to a finished run. Resolves the keys and subjects in the range, chooses the
 * model versions, derives the run id, and runs the job with the replay config section's tuning. With
 * `source: 'kafka'` it first stages the topic into the run's staging table (kafka-staging.ts), runs on that, and
 * drops the table when the pass ends, completed or not (a rerun stages again, then resumes from the checkpoints).
 */
import { availableParallelism } from 'node:os';
import type { Kafka } from 'kafkajs';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import type { WriterSchemaSource } from '../adapters/kafka/avro-codec.js';
import type { Logger } from '../adapters/logger.js';
import type { Config } from '../core/config/index.js';
import { describeError } from '../core/errors.js';
import type { StreamName } from '../core/scoring/index.js';
import {
  dropStagingTable,
  type StagingProgress,
  type StagingResult,
  stageFromKafka,
  stagingTableOf,
} from './kafka-staging.js';
import { chooseModels, type VersionLookup } from './models.js';
import type { Progress } from './progress.js';
import { RawSource } from './raw-source.js';
import { type ReplaySummary, runReplay } from './replay-job.js';
import { checkSpec, defaultRunId, type ReplaySource, type ReplaySpec } from './run-spec.js';

export interface ReplayRequest {
  readonly stream: StreamName;
  readonly from: number;
  readonly to: number;
  readonly keys?: readonly string[];
  readonly modelVersions?: Readonly<Record<string, string>>;
  readonly runId?: string;
  readonly fresh?: boolean;
  /** Overrides VIGIL_REPLAY_WORKERS. */
  readonly workers?: number;
  /** clickhouse (default): the raw tables; kafka: the stream's topic, while it still holds the range. */
  readonly source?: ReplaySource;
}

export interface ReplayDeps {
  readonly ch: ClickHouse;
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: VersionLookup;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  /** `source: 'kafka'` only: the broker and the registry the topic's records are decoded with. */
  readonly kafka?: Kafka;
  readonly schemaRegistry?: WriterSchemaSource;
  readonly onStaging?: (progress: StagingProgress) => void;
}

/** Worker threads for `workers` (0 = auto: one per core minus the main thread, at least one). */
export function workerCount(workers: number): number {
  return workers > 0 ? workers : Math.max(1, availableParallelism() - 1);
}

export async function replayRange(request: ReplayRequest, deps: ReplayDeps): Promise<ReplaySummary> {
  const base = {
    stream: request.stream,
    from: request.from,
    to: request.to,
    keys: request.keys === undefined ? undefined : [...new Set(request.keys)].sort(),
    modelVersions: request.modelVersions ?? {},
    ...(request.source === 'kafka' ? { source: 'kafka' as const } : {}),
  };
  const spec = checkSpec({ ...base, runId: request.runId ?? defaultRunId(base) });
  if (spec.source !== 'kafka') return replaySpec(spec, request, deps);
  // Every pass stages again (a resumed run included), so the table never outlives the pass that filled it.
  const table = stagingTableOf(spec.runId);
  try {
    const staged = await stage(spec, deps);
    const summary = await replaySpec(spec, request, deps, staged);
    const { topic, read, staged: rows, skipped, elapsedMs } = staged;
    return { ...summary, staging: { topic, read, staged: rows, skipped, elapsedMs } };
  } finally {
    await dropStagingTable(deps.ch, table).catch((error: unknown) =>
      deps.logger
        .child({ component: 'replay', runId: spec.runId })
        .warn({ table, err: describeError(error) }, 'could not drop the staging table; drop it by hand'),
    );
  }
}

async function replaySpec(
  spec: ReplaySpec,
  request: ReplayRequest,
  deps: ReplayDeps,
  staged?: StagingResult,
): Promise<ReplaySummary> {
  const source = new RawSource(deps.ch, rawTableOf(spec.stream), staged);
  const subjects = await source.subjects(spec.from, spec.to, spec.keys);
  const { chosen, unscored } = await chooseModels(deps.registry, spec.stream, subjects, spec.modelVersions);
  if (unscored.length > 0) {
    deps.logger
      .child({ component: 'replay', runId: spec.runId })
      .warn({ subjects: unscored }, 'no model version for these subjects: their events are replayed, not scored');
  }
  const r = deps.config.replay;
  return runReplay({
    spec,
    config: deps.config,
    ch: deps.ch,
    logger: deps.logger,
    models: chosen,
    tuning: {
      chunkMs: r.chunkMs,
      keysPerChunk: r.keysPerChunk,
      workers: workerCount(request.workers ?? r.workers),
      maxWarmupMs: r.maxWarmupMs,
      attempts: r.chunkAttempts,
    },
    ...(request.fresh ? { fresh: true } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onProgress ? { onProgress: deps.onProgress } : {}),
    ...(staged ? { staged } : {}),
  });
}

async function stage(spec: ReplaySpec, deps: ReplayDeps): Promise<StagingResult> {
  if (deps.kafka === undefined || deps.schemaRegistry === undefined) {
    throw new TypeError('replayRange with source kafka needs deps.kafka and deps.schemaRegistry');
  }
  return stageFromKafka({
    kafka: deps.kafka,
    ch: deps.ch,
    schemaRegistry: deps.schemaRegistry,
    config: deps.config,
    logger: deps.logger,
    stream: spec.stream,
    runId: spec.runId,
    from: spec.from,
    to: spec.to,
    ...(spec.keys ? { keys: spec.keys } : {}),
    ...(deps.signal ? { signal: deps.signal } : {}),
    ...(deps.onStaging ? { onProgress: deps.onStaging } : {}),
  });
}
