/**
 * Where chunks are scored: a pool of worker threads (one core each; the main thread keeps ClickHouse), or the
 * main thread itself when workers = 0 (small runs, debugging). Both run chunk-scorer.ts and give the same rows.
 */
import { Worker } from 'node:worker_threads';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import type { Config } from '../core/config/index.js';
import { catalogueWith, type RegisteredAssetType } from '../core/plant/asset-type-catalogue.js';
import { type StreamName, streamScoringFromConfig } from '../core/scoring/index.js';
import { type ChunkInput, type ChunkOutput, scoreChunk } from './chunk-scorer.js';
import { replayError } from './errors.js';
import { loadModels, type ModelChoice } from './models.js';
import type { WorkerInit, WorkerReply } from './worker.js';

export interface ChunkCompute {
  /** How many chunks may be scored at once. */
  readonly slots: number;
  score(input: ChunkInput): Promise<ChunkOutput>;
  close(): Promise<void>;
}

export async function openChunkCompute(
  stream: StreamName,
  config: Config,
  models: readonly ModelChoice[],
  workers: number,
  /** Asset types registered by imports, beside the plant's. */
  assetTypes: readonly RegisteredAssetType[] = [],
): Promise<ChunkCompute> {
  if (workers <= 0) return inProcess(stream, config, models, assetTypes);
  const threads = await Promise.all(
    Array.from({ length: workers }, () => startWorker({ stream, config, models, assetTypes })),
  );
  const idle = [...threads];
  const waiting: ((thread: WorkerThread) => void)[] = [];
  const acquire = () =>
    new Promise<WorkerThread>((resolve) => {
      const thread = idle.pop();
      if (thread) resolve(thread);
      else waiting.push(resolve);
    });
  const release = (thread: WorkerThread) => {
    const next = waiting.shift();
    if (next) next(thread);
    else idle.push(thread);
  };
  return {
    slots: workers,
    async score(input) {
      const thread = await acquire();
      try {
        return await thread.score(input);
      } finally {
        if (thread.alive) release(thread);
        else {
          // A dead thread is replaced, so one crash costs one chunk attempt, not a slot.
          startWorker({ stream, config, models, assetTypes }).then(release, () => undefined);
        }
      }
    },
    async close() {
      await Promise.all(threads.map((t) => t.close()));
    },
  };
}

async function inProcess(
  stream: StreamName,
  config: Config,
  models: readonly ModelChoice[],
  assetTypes: readonly RegisteredAssetType[],
): Promise<ChunkCompute> {
  const scoring = streamScoringFromConfig(stream, config, catalogueWith(assetTypes));
  const loaded = await loadModels(models, scoring.definition);
  const deps = {
    definition: scoring.definition,
    alertPolicy: scoring.alertPolicy,
    models: loaded.selector,
    fromRow: rawTableOf(stream).fromRow,
    now: Date.now,
  };
  return { slots: 1, score: (input) => scoreChunk(deps, input), close: () => loaded.close() };
}

interface WorkerThread {
  readonly alive: boolean;
  score(input: ChunkInput): Promise<ChunkOutput>;
  close(): Promise<void>;
}

function startWorker(init: WorkerInit): Promise<WorkerThread> {
  const worker = new Worker(new URL('./worker-entry.mjs', import.meta.url), { workerData: init });
  let alive = true;
  let pending: { resolve: (o: ChunkOutput) => void; reject: (e: unknown) => void } | undefined;
  // Retriable: the thread died or ClickHouse-free scoring hit a transient error. Not: a model that does not
  // load, or a bug in scoring (the same input would fail the same way).
  const fail = (reason: string, retriable = true) =>
    replayError(retriable ? 'VIGIL_REPLAY_WORKER_FAILED' : 'VIGIL_REPLAY_SCORING_FAILED', { reason });
  return new Promise((resolveStart, rejectStart) => {
    let started = false;
    worker.on('message', (reply: WorkerReply) => {
      if (reply.type === 'ready') {
        started = true;
        resolveStart(thread);
      } else if (!started) {
        rejectStart(fail(reply.type === 'failed' ? reply.message : 'unexpected reply', false));
      } else if (pending !== undefined) {
        const p = pending;
        pending = undefined;
        if (reply.type === 'done') p.resolve(reply.output);
        else if (reply.type === 'failed') p.reject(fail(reply.message, reply.retriable));
      }
    });
    const onEnd = (reason: string) => {
      alive = false;
      if (!started) rejectStart(fail(reason, false));
      pending?.reject(fail(reason));
      pending = undefined;
    };
    worker.on('error', (error) => onEnd(error.message));
    worker.on('exit', (code) => onEnd(`worker exited with code ${code}`));
    const thread: WorkerThread = {
      get alive() {
        return alive;
      },
      score(input) {
        if (!alive) return Promise.reject(fail('worker is not running'));
        return new Promise((resolve, reject) => {
          pending = { resolve, reject };
          worker.postMessage(input);
        });
      },
      async close() {
        if (!alive) return;
        const exited = new Promise((resolve) => worker.once('exit', resolve));
        worker.postMessage({ type: 'close' });
        await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5_000).unref())]);
        if (alive) await worker.terminate();
      },
    };
  });
}
