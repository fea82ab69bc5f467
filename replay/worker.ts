/**
 * A replay worker thread: loads the chosen model versions once, then scores the chunks the main thread sends
 * (chunk-scorer.ts). It does no ClickHouse I/O: chDB binds one data directory per process, so the main thread
 * reads and writes, the workers compute (feature engine + ONNX + alert policy), one core each.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import type { Config } from '../core/config/index.js';
import { describeError, isVigilError } from '../core/errors.js';
import { catalogueWith, type RegisteredAssetType } from '../core/plant/asset-type-catalogue.js';
import { type StreamName, streamScoringFromConfig } from '../core/scoring/index.js';
import { type ChunkInput, scoreChunk } from './chunk-scorer.js';
import { loadModels, type ModelChoice } from './models.js';

export interface WorkerInit {
  readonly stream: StreamName;
  readonly config: Config;
  readonly models: readonly ModelChoice[];
  /** Asset types registered by imports, beside the plant's. */
  readonly assetTypes: readonly RegisteredAssetType[];
}

export type WorkerReply =
  | { readonly type: 'ready' }
  | { readonly type: 'done'; readonly output: Awaited<ReturnType<typeof scoreChunk>> }
  | { readonly type: 'failed'; readonly message: string; readonly retriable: boolean };

const port = parentPort;
if (port === null) throw new Error('replay/worker.ts runs as a worker thread (see worker-pool.ts)');
const init = workerData as WorkerInit;
const reply = (message: WorkerReply) => port.postMessage(message);
const failure = (error: unknown): WorkerReply => ({
  type: 'failed',
  message: describeError(error),
  retriable: isVigilError(error) && error.retriable,
});

try {
  const scoring = streamScoringFromConfig(init.stream, init.config, catalogueWith(init.assetTypes));
  const models = await loadModels(init.models, scoring.definition);
  const deps = {
    definition: scoring.definition,
    alertPolicy: scoring.alertPolicy,
    models: models.selector,
    fromRow: rawTableOf(init.stream).fromRow,
    now: Date.now,
  };
  port.on('message', (input: ChunkInput | { type: 'close' }) => {
    if ('type' in input) {
      void models.close().then(() => port.close());
      return;
    }
    scoreChunk(deps, input).then(
      (output) => reply({ type: 'done', output }),
      (error: unknown) => reply(failure(error)),
    );
  });
  reply({ type: 'ready' });
} catch (error) {
  reply(failure(error));
}
