/**
 * Scores one chunk: the chunk's raw rows, in the order the live stream saw them, through a fresh scoring
 * pipeline (the same code as the stream), keeping the outputs whose event time lies in the chunk. Runs in a
 * worker thread or in the main thread; it does no I/O, so both give the same rows.
 */
import { alertRow, featureRow, featureSetRows, inferenceRow } from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import type { AlertPolicyConfig } from '../core/alerts/index.js';
import type { Alert } from '../core/events/types.js';
import {
  type ModelSelector,
  type PipelineItem,
  ScoringPipeline,
  type StreamDefinition,
} from '../core/scoring/index.js';
import { sha256Uuid } from '../core/sha256.js';

/** A raw row as read by raw-source.ts: the stream's raw columns plus its Kafka coordinates. */
export interface ChunkInput {
  readonly runId: string;
  readonly chunkId: string;
  /** Outputs are kept for events with time in [from, to). */
  readonly from: number;
  readonly to: number;
  /** Raw rows ordered per key as the live stream saw them (see raw-source.ts), warm-up rows included. */
  readonly rows: readonly Row[];
}

export interface ChunkOutput {
  readonly chunkId: string;
  readonly events: number;
  readonly features: Row[];
  /** The names of the feature set versions among `features` (feature_sets rows), written before them. */
  readonly featureSets: Row[];
  readonly inferences: Row[];
  readonly alerts: Row[];
}

export interface ChunkScorerDeps<E> {
  readonly definition: StreamDefinition<E>;
  readonly alertPolicy: AlertPolicyConfig;
  readonly models: ModelSelector;
  readonly fromRow: (row: Row) => E;
  /** Wall clock for `scored_at` (not part of any row identity). */
  readonly now: () => number;
}

/** Items handed to the pipeline per call: big enough that one ONNX call per model amortises well. */
const PROCESS_BATCH = 4096;

export async function scoreChunk<E>(deps: ChunkScorerDeps<E>, input: ChunkInput): Promise<ChunkOutput> {
  const pipeline = new ScoringPipeline(deps.definition, deps.models, deps.alertPolicy, { runId: input.runId });
  const out = {
    chunkId: input.chunkId,
    events: 0,
    features: [] as Row[],
    inferences: [] as Row[],
    alerts: [] as Row[],
  };
  const featureSets = new Map<string, Row>();
  const inRange = (t: number) => t >= input.from && t < input.to;
  let batch: PipelineItem<E>[] = [];
  let batchEmits = false;
  const flush = async () => {
    if (batch.length === 0) return;
    // Warm-up events advance the state without producing rows; scored events emit. A call holds one kind only.
    const scored = await pipeline.process(batch, { emit: batchEmits, scoredAt: deps.now() });
    if (batchEmits) {
      out.events += scored.accepted.length;
      for (const f of scored.features) out.features.push(featureRow(f, input.runId));
      for (const { id, row } of featureSetRows(scored.features)) featureSets.set(id, row);
      for (const i of scored.inferences) out.inferences.push(inferenceRow(i, { runId: input.runId }, 'features-table'));
      for (const a of scored.alerts) if (inRange(a.eventTime)) out.alerts.push(replayAlertRow(a, input.runId));
    }
    batch = [];
  };
  for (const row of input.rows) {
    const event = deps.fromRow(row);
    const emits = inRange(deps.definition.eventTimeOf(event));
    if (emits !== batchEmits || batch.length >= PROCESS_BATCH) {
      await flush();
      batchEmits = emits;
    }
    batch.push({
      event,
      source: {
        topic: String(row.source_topic ?? ''),
        partition: Number(row.source_partition ?? -1),
        offset: String(row.source_offset ?? '-1'),
      },
    });
  }
  await flush();
  return { ...out, featureSets: [...featureSets.values()] };
}

/**
 * A replayed alert gets its own id: the alert policy derives ids from (policy, key, opened time) only, so the
 * replay of a live alert would otherwise carry the live alert's id and overwrite its row. Derived from the live
 * id and the run id, it is still deterministic (a rerun replaces it) and `compare` matches alerts by key and
 * opening time, not by id.
 */
export function replayAlertRow(alert: Alert, runId: string): Row {
  return alertRow({ ...alert, alertId: sha256Uuid(`${runId}\u0000${alert.alertId}`) }, runId);
}
