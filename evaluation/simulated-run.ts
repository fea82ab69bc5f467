/**
 * `vigil evaluate --simulate`: simulated readings through the shared ScoringPipeline with the committed models,
 * in process (no Kafka, no ClickHouse unless asked), scored against the simulator's own ground truth. The event
 * source is handed in (the CLI wires the plant simulator: roles do not import each other).
 */
import type { AlertPolicyConfig } from '../core/alerts/index.js';
import type { SensorReading } from '../core/events/types.js';
import type { GroundTruth } from '../core/plant/ground-truth.js';
import { type ModelSelector, type ScoredBatch, ScoringPipeline, type StreamDefinition } from '../core/scoring/index.js';
import { type EvaluationReport, evaluate } from './metrics.js';
import { type OfflineRunResult, runOffline } from './offline-run.js';
import type { FaultSpan } from './types.js';

export interface SimulatedEvaluationRequest {
  readonly stream: StreamDefinition<SensorReading>;
  readonly models: ModelSelector;
  readonly policy: AlertPolicyConfig;
  /** Readings from `from − warm-up` to `to`, in emission order. */
  readonly events: Iterable<SensorReading>;
  /** The ground truth the source reported; read after the run. */
  readonly truth: () => readonly GroundTruth[];
  readonly assets: number;
  readonly from: number;
  readonly to: number;
  readonly graceMs: number;
  readonly runId?: string;
  readonly scoredAt: number;
  readonly onBatch?: (batch: ScoredBatch<SensorReading>) => Promise<void> | void;
  readonly onProgress?: (events: number) => void;
}

export interface SimulatedEvaluation {
  readonly report: EvaluationReport;
  readonly run: OfflineRunResult;
  readonly faults: FaultSpan[];
  /** The report for another alert policy on the same scores (sweeps). */
  withPolicy(policy: AlertPolicyConfig): EvaluationReport;
}

export async function evaluateSimulated(r: SimulatedEvaluationRequest): Promise<SimulatedEvaluation> {
  const pipeline = new ScoringPipeline(r.stream, r.models, r.policy, { runId: r.runId ?? '' });
  const run = await runOffline({
    events: r.events,
    pipeline,
    stream: r.stream,
    scoredAt: r.scoredAt,
    onBatch: r.onBatch,
    onProgress: r.onProgress,
  });
  const faults: FaultSpan[] = r
    .truth()
    .filter((t) => t.stream === r.stream.name)
    .map((t) => ({ key: t.key, kind: t.kind, start: t.start, end: t.end }));
  const points = run.trace.tally(faults, r.graceMs, r.from, r.to);
  const base = { faults, points, assets: r.assets, from: r.from, to: r.to, graceMs: r.graceMs };
  return {
    report: evaluate({ ...base, alerts: run.alerts }),
    run,
    faults,
    withPolicy: (policy) => evaluate({ ...base, alerts: run.trace.replayAlerts(policy) }),
  };
}
