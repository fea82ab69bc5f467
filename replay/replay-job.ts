/**
 * One replay run: plan the chunks, skip those a previous pass finished, score the rest (workers compute, this
 * thread reads and writes ClickHouse), checkpoint each chunk once its rows are durable, report progress, and
 * return a summary. Safe beside the live pipeline: it writes only rows tagged with its run id (features,
 * inferences, alerts with their own ids) and its own bookkeeping tables.
 *
 * Per chunk: histories -> warm starts (warmup.ts) -> raw rows (raw-source.ts) -> score (chunk-compute.ts) ->
 * insert outputs -> checkpoint. A failed chunk is retried (jittered backoff, retriable errors only) from its
 * start; its rows replace themselves, so a retry or a resumed run never duplicates.
 */

import { storedAssetTypes } from '../adapters/clickhouse/asset-types.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { Logger } from '../adapters/logger.js';
import type { Config } from '../core/config/index.js';
import { describeError } from '../core/errors.js';
import { catalogueWith } from '../core/plant/asset-type-catalogue.js';
import { DEFAULT_RETRY, withRetry } from '../core/retry.js';
import { streamScoringFromConfig } from '../core/scoring/index.js';
import { type ChunkCheckpoint, ReplayCheckpoints, type RunRecord } from './checkpoints.js';
import { openChunkCompute } from './chunk-compute.js';
import { replayError } from './errors.js';
import type { ModelChoice } from './models.js';
import type { Progress } from './progress.js';
import { RawSource, type StagedInput } from './raw-source.js';
import { type Chunk, planChunks, type ReplaySpec } from './run-spec.js';
import { gapSearchFrame, warmStart } from './warmup.js';

export interface ReplayTuning {
  readonly chunkMs: number;
  readonly keysPerChunk: number;
  /** Worker threads scoring chunks; 0 scores in this thread. */
  readonly workers: number;
  readonly maxWarmupMs: number;
  /** Attempts per chunk before the run stops (retriable errors only). */
  readonly attempts: number;
}

export interface ReplayJobOptions {
  readonly spec: ReplaySpec;
  readonly config: Config;
  readonly ch: ClickHouse;
  readonly logger: Logger;
  readonly models: readonly ModelChoice[];
  readonly tuning: ReplayTuning;
  /** Read the events from this staging table instead of the raw table (`--source kafka`). */
  readonly staged?: StagedInput;
  /** Ignore the checkpoints of an unfinished pass and redo every chunk. */
  readonly fresh?: boolean;
  /** Aborting stops dispatching chunks; chunks in flight finish and are checkpointed. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: Progress) => void;
  readonly now?: () => number;
}

export interface ReplaySummary {
  readonly runId: string;
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  readonly models: readonly { name: string; version: string }[];
  readonly chunks: number;
  /** Chunks a previous pass had finished (resumed run). */
  readonly skippedChunks: number;
  readonly keys: number;
  /** (key, time slice) pairs replayed: keys x slices. */
  readonly keySlices: number;
  /** Of those, the ones whose warm-up reached a fresh state (bit-for-bit parity with an uninterrupted live run). */
  readonly exactKeySlices: number;
  readonly events: number;
  readonly features: number;
  readonly inferences: number;
  readonly alerts: number;
  readonly retries: number;
  /** Stage times summed over chunks (lanes overlap, so they may add up to more than elapsedMs). */
  readonly timings: { readonly readMs: number; readonly scoreMs: number; readonly writeMs: number };
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  /** `--source kafka`: what staging read from the topic (replay-range.ts adds it). */
  readonly staging?: StagingSummary;
}

export interface StagingSummary {
  readonly topic: string;
  /** Records read from the topic (the window's offsets). */
  readonly read: number;
  /** Of those, the ones staged (decoded, passed the contract checks, inside the window). */
  readonly staged: number;
  /** Records the live stream dead-lettered before its pipeline, by reason. */
  readonly skipped: Readonly<Record<string, number>>;
  /** Time staging took (before the run's own elapsedMs). */
  readonly elapsedMs: number;
}

/** Rows per insert call: big enough to amortise a round trip, small enough to keep the request bounded. */
const INSERT_ROWS = 5_000;

export async function runReplay(o: ReplayJobOptions): Promise<ReplaySummary> {
  const now = o.now ?? Date.now;
  const { spec, tuning } = o;
  const log = o.logger.child({ component: 'replay', stream: spec.stream, runId: spec.runId });
  // Asset types registered by imports score like the plant's (the same catalogue the live processor has).
  const assetTypes = await storedAssetTypes(o.ch);
  const scoring = streamScoringFromConfig(spec.stream, o.config, catalogueWith(assetTypes));
  const source = new RawSource(o.ch, rawTableOf(spec.stream), o.staged);
  const checkpoints = new ReplayCheckpoints(o.ch);
  const started = now();

  const keys = spec.keys ?? (await source.keys(spec.from, spec.to));
  const chunks = planChunks(spec.from, spec.to, keys, tuning.chunkMs, tuning.keysPerChunk);
  const params = JSON.stringify({
    keys: spec.keys === undefined ? null : [...spec.keys].sort(),
    models: o.models.map((m) => `${m.name}=${m.version}`).sort(),
    // Only when not the default, so the params of ClickHouse runs recorded before stay equal.
    ...(spec.source === 'kafka' ? { source: 'kafka' } : {}),
  });
  const previous = await checkpoints.run(spec.runId);
  if (
    previous !== undefined &&
    (previous.stream !== spec.stream ||
      previous.from !== spec.from ||
      previous.to !== spec.to ||
      previous.params !== params)
  ) {
    throw replayError('VIGIL_REPLAY_RUN_MISMATCH', {
      runId: spec.runId,
      existing: `${previous.stream} ${new Date(previous.from).toISOString()}..${new Date(previous.to).toISOString()} ${previous.params}`,
    });
  }
  // A new pass when the run is new, had completed (a rerun replaces its rows) or --fresh; else resume.
  const resume = previous !== undefined && previous.state !== 'completed' && o.fresh !== true;
  const run: RunRecord = {
    runId: spec.runId,
    stream: spec.stream,
    from: spec.from,
    to: spec.to,
    params,
    state: 'running',
    chunks: chunks.length,
    summary: '',
    startedAt: resume ? previous.startedAt : started,
  };
  const done = resume ? await checkpoints.finishedChunks(spec.runId, run.startedAt) : new Map();
  await checkpoints.saveRun(run);
  const pending = chunks.filter((c) => !done.has(c.id));
  log.info(
    { chunks: chunks.length, resumedFrom: done.size, keys: keys.length, models: o.models.map((m) => m.version) },
    resume ? 'resuming replay' : 'starting replay',
  );

  // Time spent per stage, summed over chunks (they overlap across lanes): where a run's time goes.
  const timings = { readMs: 0, scoreMs: 0, writeMs: 0 };
  const totals = { events: 0, features: 0, inferences: 0, alerts: 0, exactKeys: 0, retries: 0 };
  for (const c of done.values()) add(totals, c);
  const skipped = done.size;
  let finished = done.size;
  const progress = (): Progress => ({
    doneChunks: finished,
    totalChunks: chunks.length,
    skippedChunks: skipped,
    events: totals.events,
    elapsedMs: now() - started,
  });
  o.onProgress?.(progress());

  const compute = await openChunkCompute(spec.stream, o.config, o.models, tuning.workers, assetTypes);
  let failure: unknown;
  try {
    const queue = [...pending];
    const lane = async () => {
      for (let chunk = queue.shift(); chunk !== undefined; chunk = queue.shift()) {
        if (o.signal?.aborted || failure !== undefined) return;
        let attempts = 0;
        try {
          const checkpoint = await withRetry(
            async (attempt) => {
              attempts = attempt;
              return replayChunk(chunk, attempt);
            },
            { ...DEFAULT_RETRY, maxAttempts: tuning.attempts },
            {
              onRetry: (error, attempt, delayMs) => {
                totals.retries++;
                log.warn({ chunk: chunk.id, attempt, delayMs, err: describeError(error) }, 'chunk failed; retrying');
              },
            },
          );
          add(totals, checkpoint);
          finished++;
          o.onProgress?.(progress());
        } catch (error) {
          failure ??= replayError(
            'VIGIL_REPLAY_CHUNK_FAILED',
            { chunk: chunk.id, runId: spec.runId, attempts, reason: describeError(error) },
            error,
          );
        }
      }
    };
    const replayChunk = async (chunk: Chunk, attempt: number): Promise<ChunkCheckpoint> => {
      const t0 = performance.now();
      const frame = gapSearchFrame(chunk.from, chunk.to, scoring.retentionMs, tuning.maxWarmupMs);
      const histories = await source.histories(chunk.keys, frame, chunk.from, scoring.retentionMs);
      const starts = histories.map((h) => warmStart(h, chunk.from, scoring.retentionMs, tuning.maxWarmupMs));
      const rows = await source.rows(
        new Map(starts.map((s) => [s.key, s.start])),
        chunk.to + scoring.allowedLatenessMs + 1,
      );
      const t1 = performance.now();
      const output = await compute.score({
        runId: spec.runId,
        chunkId: chunk.id,
        from: chunk.from,
        to: chunk.to,
        rows,
      });
      const t2 = performance.now();
      await insertAll(o.ch, 'feature_sets', output.featureSets);
      await insertAll(o.ch, 'features', output.features);
      await insertAll(o.ch, 'inferences', output.inferences);
      await insertAll(o.ch, 'alerts', output.alerts);
      const checkpoint: ChunkCheckpoint = {
        chunkId: chunk.id,
        from: chunk.from,
        to: chunk.to,
        keys: chunk.keys.length,
        events: output.events,
        features: output.features.length,
        inferences: output.inferences.length,
        alerts: output.alerts.length,
        exactKeys: starts.filter((s) => s.exact).length,
        attempts: attempt,
      };
      await checkpoints.finishChunk(spec.runId, checkpoint);
      const ms = (a: number, b: number) => Math.round(b - a);
      const t3 = performance.now();
      timings.readMs += ms(t0, t1);
      timings.scoreMs += ms(t1, t2);
      timings.writeMs += ms(t2, t3);
      log.debug(
        {
          chunk: chunk.id,
          events: output.events,
          rows: rows.length,
          readMs: ms(t0, t1),
          scoreMs: ms(t1, t2),
          writeMs: ms(t2, t3),
        },
        'chunk done',
      );
      return checkpoint;
    };
    await Promise.all(Array.from({ length: Math.max(1, compute.slots) }, lane));
  } finally {
    await compute.close();
  }

  const elapsedMs = now() - started;
  const summary: ReplaySummary = {
    runId: spec.runId,
    stream: spec.stream,
    from: spec.from,
    to: spec.to,
    models: o.models.map((m) => ({ name: m.name, version: m.version })),
    chunks: chunks.length,
    skippedChunks: skipped,
    keys: keys.length,
    keySlices: chunks.reduce((n, c) => n + c.keys.length, 0),
    exactKeySlices: totals.exactKeys,
    events: totals.events,
    features: totals.features,
    inferences: totals.inferences,
    alerts: totals.alerts,
    retries: totals.retries,
    timings,
    elapsedMs,
    eventsPerSecond: elapsedMs > 0 ? Math.round((totals.events * 1000) / elapsedMs) : 0,
  };
  if (failure !== undefined || (o.signal?.aborted && finished < chunks.length)) {
    const state = failure !== undefined ? 'failed' : 'interrupted';
    await checkpoints.saveRun({ ...run, state, summary: JSON.stringify(summary) });
    log.warn({ state, done: finished, total: chunks.length }, 'replay stopped before the end');
    throw (
      failure ?? replayError('VIGIL_REPLAY_INTERRUPTED', { runId: spec.runId, done: finished, total: chunks.length })
    );
  }
  await checkpoints.saveRun({ ...run, state: 'completed', summary: JSON.stringify(summary) });
  log.info(summary, 'replay completed');
  return summary;
}

function add(
  totals: { events: number; features: number; inferences: number; alerts: number; exactKeys: number },
  c: ChunkCheckpoint,
): void {
  totals.events += c.events;
  totals.features += c.features;
  totals.inferences += c.inferences;
  totals.alerts += c.alerts;
  totals.exactKeys += c.exactKeys;
}

async function insertAll(ch: ClickHouse, table: string, rows: readonly Row[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_ROWS) await ch.insertRows(table, rows.slice(i, i + INSERT_ROWS));
}
