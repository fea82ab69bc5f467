/**
 * Scoring for API requests through THE shared pipeline (core/scoring), so an API score equals the stream's score
 * for the same events and model version. Each request gets a fresh pipeline: its features come from the readings
 * in the request alone (a sequence must carry its own history; the first readings of each asset warm the windows
 * up and come back `unscored`). Inference rows are stored with the API key and request id, and with
 * run_id `api:<requestId>` so that they never replace the stream's own rows for the same event ids; they are
 * written in batches (like the audit rows), so a request does not pay a ClickHouse insert.
 */
import type { FeatureSetNames } from '../../adapters/clickhouse/feature-set-names.js';
import type { Row } from '../../adapters/clickhouse/index.js';
import { inferenceRow } from '../../adapters/clickhouse/rows.js';
import type { AlertPolicyConfig } from '../../core/alerts/index.js';
import type { Alert, Inference, SensorReading } from '../../core/events/types.js';
import type { FeatureDefaults } from '../../core/features/index.js';
import {
  type ChannelNamesOf,
  ScoringPipeline,
  type SpeedChannelOf,
  type StreamDefinition,
  sensorStream,
} from '../../core/scoring/index.js';
import { inForeground } from '../../core/turns.js';
import { servingError } from '../errors.js';
import type { LoadedModels } from './loaded-models.js';

export type RowStatus = 'scored' | 'unscored' | 'late' | 'duplicate' | 'unknown-asset-type';

export interface ModelScore {
  readonly inferenceId: string;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly modelRole: string;
  readonly score: number;
  readonly threshold: number;
  readonly anomaly: boolean;
}

export interface ScoredRow {
  readonly eventId: string;
  readonly assetId: string;
  readonly assetType: string;
  readonly eventTime: number;
  readonly status: RowStatus;
  /** The production model's verdict (absent when unscored). */
  readonly score?: number;
  readonly threshold?: number;
  readonly anomaly?: boolean;
  readonly modelVersion?: string;
  readonly scores: ModelScore[];
  /** Every feature value of the row; only when the request asked for them (`features`). */
  readonly features?: Readonly<Record<string, number>>;
}

export interface ScoreResult {
  readonly requestId: string;
  readonly rows: ScoredRow[];
  readonly alerts: Alert[];
  readonly inferences: Inference[];
  readonly summary: { readings: number; scored: number; anomalies: number; alerts: number; unscored: number };
}

export interface ApiScorerOptions {
  readonly features: FeatureDefaults;
  readonly channelNamesOf: ChannelNamesOf;
  /** Each type's speed channel, for the alert policy's hold after a start or a stop (as the stream has it). */
  readonly speedChannelOf?: SpeedChannelOf;
  readonly alertPolicy: AlertPolicyConfig;
  readonly models: LoadedModels;
  /** Where inference rows go (batched: serving/buffered-insert.ts); false = buffer full. */
  readonly inferenceRows: { add(rows: readonly Row[]): boolean };
  /** Writes the names of the rows' inline vectors (once per feature set version) before the rows are queued. */
  readonly featureSetNames: Pick<FeatureSetNames, 'ensure'>;
}

export class ApiScorer {
  readonly #options: ApiScorerOptions;
  readonly #stream: StreamDefinition<SensorReading>;

  constructor(options: ApiScorerOptions) {
    this.#options = options;
    this.#stream = sensorStream(options.features, options.channelNamesOf, options.speedChannelOf);
  }

  /**
   * `features`: every row's feature values in the result. Not named otherwise: the name -> value maps (~230
   * doubles per scored row) outlived the young generation's collections, 56 of the 66 KB per request that each
   * collection copied, and the response dropped them (bench/README.md, "what a collection copies").
   */
  async score(
    readings: readonly SensorReading[],
    who: { apiKeyId: string; requestId: string; now: number },
    options: { features?: boolean } = {},
  ): Promise<ScoreResult> {
    const pipeline = new ScoringPipeline(this.#stream, this.#options.models.snapshot(), this.#options.alertPolicy, {
      runId: `api:${who.requestId}`,
    });
    const source = { topic: '', partition: -1, offset: '-1' };
    // Foreground work: the buffered inserts' encoding takes no turn while a request awaits its model calls.
    const out = await inForeground(() =>
      pipeline.process(
        readings.map((event) => ({ event, source })),
        { emit: true, scoredAt: who.now, featureMaps: options.features ? 'all' : 'scored' },
      ),
    );
    const statusOf = new Map<string, RowStatus>();
    for (const item of out.late) statusOf.set(item.event.eventId, 'late');
    for (const item of out.unknownSubject) statusOf.set(item.event.eventId, 'unknown-asset-type');
    const accepted = new Set(out.accepted.map((i) => i.event.eventId));
    const featuresOf = options.features ? new Map(out.features.map((f) => [f.eventId, f.features])) : undefined;
    const scoresOf = new Map<string, ModelScore[]>();
    for (const inf of out.inferences) {
      const list = scoresOf.get(inf.eventId) ?? [];
      list.push({
        inferenceId: inf.inferenceId,
        modelName: inf.modelName,
        modelVersion: inf.modelVersion,
        modelRole: inf.modelRole,
        score: inf.score,
        threshold: inf.threshold,
        anomaly: inf.anomaly,
      });
      scoresOf.set(inf.eventId, list);
    }
    const seen = new Set<string>();
    const rows: ScoredRow[] = readings.map((r) => {
      const scores = scoresOf.get(r.eventId) ?? [];
      const production = scores.find((s) => s.modelRole === 'production');
      let status = statusOf.get(r.eventId) ?? (scores.length > 0 ? 'scored' : 'unscored');
      // The same event id twice: the first one counts, the copy is a duplicate.
      if (seen.has(r.eventId) && accepted.has(r.eventId)) status = 'duplicate';
      seen.add(r.eventId);
      return {
        eventId: r.eventId,
        assetId: r.assetId,
        assetType: r.assetType,
        eventTime: r.eventTime,
        status,
        ...(production && {
          score: production.score,
          threshold: production.threshold,
          anomaly: production.anomaly,
          modelVersion: production.modelVersion,
        }),
        scores: status === 'duplicate' ? [] : scores,
        ...(featuresOf && { features: status === 'duplicate' ? {} : (featuresOf.get(r.eventId) ?? {}) }),
      };
    });
    // Traceability before answering: a score whose row cannot be kept is not given out.
    const unavailable = (cause?: unknown) =>
      servingError(
        'VIGIL_SERVING_UNAVAILABLE',
        {
          feature: 'Scoring',
          reason: 'inference rows cannot be stored right now (ClickHouse unavailable); retry later',
        },
        cause,
      );
    await this.#options.featureSetNames.ensure(out.inferences).catch((error: unknown) => {
      throw unavailable(error);
    });
    const provenance = { apiKeyId: who.apiKeyId, requestId: who.requestId, runId: `api:${who.requestId}` };
    if (!this.#options.inferenceRows.add(out.inferences.map((inf) => inferenceRow(inf, provenance, 'inline')))) {
      throw unavailable();
    }
    const scored = rows.filter((r) => r.status === 'scored');
    return {
      requestId: who.requestId,
      rows,
      alerts: out.alerts,
      inferences: out.inferences,
      summary: {
        readings: readings.length,
        scored: scored.length,
        anomalies: scored.filter((r) => r.anomaly === true).length,
        alerts: out.alerts.length,
        unscored: rows.length - scored.length,
      },
    };
  }
}
