/**
 * The entry point of a replay for the CLI, the benchmark and tests: from what a user asks (stream, range, keys,
 * model versions, run id) to a finished run. Resolves the keys and subjects in the range, chooses the model
 * versions, derives the run id, and runs the job with the replay config section's tuning.
 */
import { availableParallelism } from 'node:os';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import type { Logger } from '../adapters/logger.js';
import type { Config } from '../core/config/index.js';
import type { StreamName } from '../core/scoring/index.js';
import { chooseModels, type VersionLookup } from './models.js';
import type { Progress } from './progress.js';
import { RawSource } from './raw-source.js';
import { type ReplaySummary, runReplay } from './replay-job.js';
import { checkSpec, defaultRunId } from './run-spec.js';

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
}

export interface ReplayDeps {
  readonly ch: ClickHouse;
  readonly config: Config;
  readonly logger: Logger;
  readonly registry: VersionLookup;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
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
  };
  const spec = checkSpec({ ...base, runId: request.runId ?? defaultRunId(base) });
  const source = new RawSource(deps.ch, rawTableOf(spec.stream));
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
  });
}
