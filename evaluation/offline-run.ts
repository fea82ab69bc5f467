/**
 * Runs events through the shared ScoringPipeline in process (no Kafka): the path `vigil evaluate --simulate`
 * tunes with. Same features, models and alert policy code as the stream; events are fed in micro-batches as a
 * processor would (batch size does not change results: features are per key and the policy sees each key's
 * scores in order). Collects the production scores (ScoreTrace) and the alerts; `onBatch` may persist each batch.
 */
import type { Alert } from '../core/events/types.js';
import type { PipelineItem, ScoredBatch, ScoringPipeline, StreamDefinition } from '../core/scoring/index.js';
import { ScoreTrace } from './score-trace.js';
import type { AlertSpan } from './types.js';

export interface OfflineRunOptions<E> {
  readonly events: Iterable<E>;
  readonly pipeline: ScoringPipeline<E>;
  /** The pipeline's stream: the trace keeps each score's speed, for replays of the alert policy's hold. */
  readonly stream?: Pick<StreamDefinition<E>, 'eventIdOf' | 'speedOf'>;
  /** Events per pipeline call (default 2000). */
  readonly batchSize?: number;
  /** Stamped on inferences as scoredAt (the core has no clock). */
  readonly scoredAt: number;
  /** Receives every scored batch (e.g. to write inferences and alerts to ClickHouse); awaited before the next. */
  readonly onBatch?: (batch: ScoredBatch<E>) => Promise<void> | void;
  readonly onProgress?: (events: number) => void;
  readonly progressEvery?: number;
}

export interface OfflineRunResult {
  readonly trace: ScoreTrace;
  readonly alerts: AlertSpan[];
  readonly events: number;
}

export async function runOffline<E>(o: OfflineRunOptions<E>): Promise<OfflineRunResult> {
  const trace = new ScoreTrace();
  const alerts = new Map<string, Alert>();
  const batchSize = o.batchSize ?? 2000;
  const progressEvery = o.progressEvery ?? 1_000_000;
  let events = 0;
  let nextProgress = progressEvery;
  let items: PipelineItem<E>[] = [];
  const flush = async () => {
    const batch = await o.pipeline.process(items, { emit: true, scoredAt: o.scoredAt });
    const stream = o.stream;
    const speeds =
      stream?.speedOf && new Map(items.map((item) => [stream.eventIdOf(item.event), stream.speedOf?.(item.event)]));
    for (const i of batch.inferences)
      if (i.modelRole === 'production') trace.add(i.key, i.eventTime, i.score, i.threshold, speeds?.get(i.eventId));
    for (const a of batch.alerts) alerts.set(a.alertId, a);
    await o.onBatch?.(batch);
    items = [];
  };
  for (const event of o.events) {
    items.push({ event, source: NO_SOURCE });
    events++;
    if (items.length >= batchSize) await flush();
    if (events >= nextProgress) {
      o.onProgress?.(events);
      nextProgress += progressEvery;
    }
  }
  if (items.length > 0) await flush();
  return {
    trace,
    events,
    alerts: [...alerts.values()].map((a) => ({ key: a.key, openedAt: a.openedAt, closedAt: a.closedAt })),
  };
}

const NO_SOURCE = { topic: '', partition: -1, offset: '' } as const;
