/**
 * A training export end to end, minus the trainer: ordered events of one subject -> feature rows (the stream's
 * code) -> labels from ground truth -> a Parquet snapshot named by its content hash, with its lineage sidecar.
 * Where the events come from (ClickHouse, or the simulators in memory) is the caller's choice.
 */
import type { FeatureSet } from '../../core/features/index.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import type { StreamDefinition } from '../../core/scoring/index.js';
import { trainingError } from './errors.js';
import { type CollectorStats, FeatureRowCollector } from './feature-rows.js';
import { faultAftermath, faultLabeler } from './labels.js';
import { inMaintenance, type OperatorAnnotations, withVerdicts } from './operator-annotations.js';
import { type Snapshot, writeSnapshot } from './parquet-snapshot.js';

export interface ExportRequest<E> {
  readonly stream: StreamDefinition<E>;
  readonly subject: string;
  readonly featureSet: FeatureSet;
  /** Events in the order the stream would see them per key (warm-up history included). */
  readonly events: AsyncIterable<E> | Iterable<E>;
  /** Ground truth, asked for after the events are consumed (a simulator reports faults as it goes). */
  readonly truth: () => Promise<readonly Pick<GroundTruth, 'key' | 'kind' | 'start' | 'end'>[]>;
  readonly from: number;
  readonly to: number;
  readonly sampleEveryMs: number;
  readonly outDir: string;
  /** File name prefix, e.g. the model name. */
  readonly baseName: string;
  readonly source: Readonly<Record<string, unknown>>;
  readonly codeCommit: string | null;
  /**
   * What people declared about the history (operator-annotations.ts), asked for after the events: maintenance
   * windows (left out unless keepMaintenance) and verdicts on alerts (labels). Absent: neither.
   */
  readonly annotations?: () => Promise<OperatorAnnotations>;
  readonly keepMaintenance?: boolean;
  /** Called every `progressEvery` events with the counts so far. */
  readonly onProgress?: (stats: Readonly<CollectorStats>) => void;
  readonly progressEvery?: number;
}

export interface ExportResult {
  readonly snapshot: Snapshot;
  readonly stats: Readonly<CollectorStats>;
}

/** The time a feature set needs before `from` for full windows: its longest window plus the allowed lateness. */
export function warmupOf(set: FeatureSet): number {
  return Math.max(...set.windowsMs) + set.allowedLatenessMs;
}

export async function exportDataset<E>(request: ExportRequest<E>): Promise<ExportResult> {
  const collector = new FeatureRowCollector(request.stream, request.subject, request.featureSet, {
    from: request.from,
    to: request.to,
    sampleEveryMs: request.sampleEveryMs,
  });
  const every = request.progressEvery ?? 200_000;
  for await (const event of request.events) {
    collector.add(event);
    if (collector.stats.events % every === 0) request.onProgress?.(collector.stats);
  }
  request.onProgress?.(collector.stats);
  const s = collector.stats;
  if (s.rows === 0) {
    throw trainingError('VIGIL_TRAINING_NO_DATA', {
      stream: request.stream.name,
      subject: request.subject,
      from: new Date(request.from).toISOString(),
      to: new Date(request.to).toISOString(),
      detail:
        s.accepted === 0
          ? `${s.events} events read, none of this subject`
          : `${s.accepted} events accepted but none in the range with full windows (warm-up needs ${warmupOf(request.featureSet) / 60_000} min of history)`,
    });
  }
  const truth = await request.truth();
  const notes = await request.annotations?.();
  const label = withVerdicts(faultLabeler(truth), notes?.verdicts ?? [], request.to);
  const aftermath = faultAftermath(truth, warmupOf(request.featureSet));
  const maintenance = inMaintenance(
    request.keepMaintenance ? [] : (notes?.maintenance ?? []),
    warmupOf(request.featureSet),
  );
  const rows = collector.finish(label, (key, time) => aftermath(key, time) || maintenance(key, time));
  const snapshot = writeSnapshot(request.outDir, request.baseName, rows, {
    stream: request.stream.name,
    source: request.source,
    sourceTimeRange: { from: request.from, to: request.to },
    codeCommit: request.codeCommit,
    sampleEveryMs: request.sampleEveryMs,
  });
  return { snapshot, stats: s };
}
