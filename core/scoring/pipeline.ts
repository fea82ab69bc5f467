/**
 * The scoring pipeline every role shares: events of one stream → feature engine (per subject) → batched model
 * scores → alert policy. The stream processor runs one per assigned partition, replay one per chunk, the API one
 * per request; given the same ordered input per key and the same models they produce the same rows.
 *
 * Batching: all ready vectors of a call are scored together, one model call per model, so a call's cost is
 * dominated by one ONNX run and not by per-event overhead. Within a key, scores reach the alert policy in input
 * order.
 */
import { type AlertPolicy, type AlertPolicyConfig, createAlertPolicy } from '../alerts/index.js';
import type { Alert, Inference } from '../events/types.js';
import type { ChannelStatsReader } from '../features/channel-stats.js';
import {
  type ChannelNormal,
  channelNormals,
  channelStatsReader,
  createFeatureEngine,
  type FeatureEngine,
  type FeatureSet,
} from '../features/index.js';
import { type AttachFeatures, lazyFeatures } from './feature-map.js';
import { inferenceId } from './ids.js';
import type { ModelSelector, ScoringModel } from './models.js';
import type { StreamDefinition } from './stream-definition.js';

/** Where an event came from: Kafka coordinates, or empty for API requests and replays from ClickHouse. */
export interface SourceRef {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

export interface PipelineItem<E> {
  readonly event: E;
  readonly source: SourceRef;
}

export interface FeatureRow {
  readonly stream: string;
  readonly key: string;
  readonly eventId: string;
  readonly eventTime: number;
  readonly featureSet: string;
  readonly featureSetVersion: string;
  readonly features: Readonly<Record<string, number>>;
}

export interface ScoredBatch<E> {
  /** Accepted events, in input order (raw rows). */
  readonly accepted: PipelineItem<E>[];
  /** Events beyond the allowed lateness of their key (dead letters, reason LATE). */
  readonly late: PipelineItem<E>[];
  /** Events whose subject has no feature set (dead letters: the stream cannot judge them). */
  readonly unknownSubject: PipelineItem<E>[];
  readonly duplicates: number;
  readonly features: FeatureRow[];
  readonly inferences: Inference[];
  readonly alerts: Alert[];
  /** Accepted events not scored: window still warming up, or no model for the subject. */
  readonly unscored: number;
  /** Time spent in model calls, ms (for the ONNX latency metric). */
  readonly modelMs: number;
  /** Ids of the alerts above that opened during a maintenance window of their key (stored, marked, not notified). */
  readonly suppressedAlerts: Set<string>;
}

/**
 * Per-key alert rules people set (thresholds by asset type / asset, maintenance windows), implemented by
 * alert-workflow/. Consulted for production scores only; absent: the model's threshold, nothing suppressed.
 */
export interface AlertRules {
  /** The threshold production scores of `key` (subject: its asset type) are judged against. */
  thresholdFor(subject: string, key: string, modelThreshold: number): number;
  /** Whether an alert of `key` that opened at event time `openedAt` is suppressed. */
  suppressedAt(key: string, openedAt: number): boolean;
}

export interface ProcessOptions {
  /** false while rebuilding state after a restart: state advances, no rows are produced. */
  readonly emit: boolean;
  /**
   * Wall-clock time stamped on inferences as scoredAt (injected: the core has no clock). A function is read once
   * the model calls of the batch are done, so that scoredAt includes the batch's own features and scoring.
   */
  readonly scoredAt: number | (() => number);
  /** For timing model calls only (performance.now in production); results never depend on it. */
  readonly now?: () => number;
  /**
   * Which accepted events get a named feature map (their FeatureRow, and the vector inline in their inferences):
   * 'all' (default: the stream and replay store every vector) or 'scored' (the API, unless the client asks for
   * every row's features: ~200 named keys per event were most of a short request's allocations). With 'scored',
   * the engine does not compute the vectors of readings that are not ready either (FeatureEngine readyOnly).
   */
  readonly featureMaps?: 'all' | 'scored';
}

export interface PipelineOptions {
  /** Replay run id; '' for the live stream and the API. */
  readonly runId?: string;
  /** Threshold overrides and maintenance windows; may change between calls (read at every score). */
  readonly alertRules?: AlertRules;
}

interface Pending<E> {
  readonly item: PipelineItem<E>;
  readonly key: string;
  readonly eventTime: number;
  readonly vector: Float64Array;
  /** Attaches the vector's lazily named map to the inferences (undefined when outputs are not emitted). */
  readonly attachFeatures: AttachFeatures | undefined;
  readonly set: FeatureSet;
  readonly models: readonly ScoringModel[];
  /** One score per model, filled after the model calls. */
  readonly scores: number[];
}

export class ScoringPipeline<E> {
  readonly #stream: StreamDefinition<E>;
  readonly #models: ModelSelector;
  readonly #alerts: AlertPolicy;
  readonly #runId: string;
  readonly #rules: AlertRules | undefined;
  readonly #engines = new Map<string, { engine: FeatureEngine; stats: ChannelStatsReader } | undefined>();
  /** One vector the engines write into when only scored rows keep theirs (featureMaps 'scored'). */
  readonly #scratch = new Map<FeatureEngine, Float64Array>();
  /** Channel normals from each model's reference, computed once per model object (models swap without a restart). */
  readonly #normals = new WeakMap<ScoringModel, ReadonlyMap<string, ChannelNormal> | undefined>();

  constructor(
    stream: StreamDefinition<E>,
    models: ModelSelector,
    alertPolicy: AlertPolicyConfig,
    options: PipelineOptions = {},
  ) {
    this.#stream = stream;
    this.#models = models;
    this.#alerts = createAlertPolicy(alertPolicy, stream.name);
    this.#runId = options.runId ?? '';
    this.#rules = options.alertRules;
  }

  get stream(): StreamDefinition<E> {
    return this.#stream;
  }

  /** Keys with feature state (for eviction on partition revocation and metrics). */
  keyCount(): number {
    let n = 0;
    for (const entry of this.#engines.values()) n += entry?.engine.stats().keys ?? 0;
    return n;
  }

  /** Forgets the feature windows of keys (idle keys, or keys of a revoked partition). */
  dropKeys(keys: Iterable<string>): void {
    for (const key of keys) for (const entry of this.#engines.values()) entry?.engine.drop(key);
  }

  async process(items: readonly PipelineItem<E>[], options: ProcessOptions): Promise<ScoredBatch<E>> {
    const out: Mutable<ScoredBatch<E>> = {
      accepted: [],
      late: [],
      unknownSubject: [],
      duplicates: 0,
      features: [],
      inferences: [],
      alerts: [],
      unscored: 0,
      modelMs: 0,
      suppressedAlerts: new Set(),
    };
    const pending: Pending<E>[] = [];
    for (const item of items) {
      const subject = this.#stream.subjectOf(item.event);
      const entry = this.#engineFor(subject);
      if (entry === undefined) {
        out.unknownSubject.push(item);
        continue;
      }
      const featureEvent = this.#stream.toFeatureEvent(item.event);
      // Warm-up readings are never scored: with feature maps for scored rows only, their vectors are not needed,
      // and the engine writes into one scratch vector per engine (copied below for the rows that are scored).
      const scoredOnly = options.featureMaps === 'scored';
      const scratch = scoredOnly ? this.#scratchOf(entry.engine) : undefined;
      const result = entry.engine.process(featureEvent, scratch, { readyOnly: scoredOnly });
      if (result.verdict !== 'ACCEPTED') {
        if (result.verdict === 'LATE') out.late.push(item);
        else out.duplicates++;
        continue;
      }
      out.accepted.push(item);
      const set = entry.engine.featureSet;
      const models = result.ready ? this.#models.modelsFor(subject) : [];
      const mapped = options.emit && (options.featureMaps !== 'scored' || models.length > 0);
      // The scratch vector is overwritten by the next reading: a scored one's is copied (only scored rows are named).
      const vector = scratch === undefined || models.length === 0 ? result.vector : result.vector.slice();
      const attachFeatures = mapped ? lazyFeatures(set.featureNames, vector) : undefined;
      if (attachFeatures !== undefined) {
        out.features.push(
          attachFeatures({
            stream: this.#stream.name,
            key: featureEvent.key,
            eventId: featureEvent.eventId,
            eventTime: featureEvent.eventTime,
            featureSet: set.name,
            featureSetVersion: set.version,
          }),
        );
      }
      if (models.length === 0) {
        out.unscored++;
        continue;
      }
      pending.push({
        item,
        key: featureEvent.key,
        eventTime: featureEvent.eventTime,
        vector,
        attachFeatures,
        set,
        models,
        scores: [],
      });
    }
    const started = options.now?.() ?? 0;
    await scoreAll(pending);
    out.modelMs = (options.now?.() ?? 0) - started;
    const scoredAt = typeof options.scoredAt === 'function' ? options.scoredAt() : options.scoredAt;
    this.#emitScores(pending, out, options, scoredAt);
    return out;
  }

  #emitScores(pending: readonly Pending<E>[], out: ScoredBatch<E>, options: ProcessOptions, scoredAt: number): void {
    const rules = this.#rules;
    for (const p of pending) {
      const subject = rules === undefined ? '' : this.#stream.subjectOf(p.item.event);
      for (let m = 0; m < p.models.length; m++) {
        const model = p.models[m]!;
        const score = p.scores[m]!;
        const production = model.role === 'production';
        const threshold =
          production && rules !== undefined ? rules.thresholdFor(subject, p.key, model.threshold) : model.threshold;
        // A scored row has its map attacher exactly when outputs are emitted (`mapped` above).
        if (p.attachFeatures !== undefined) {
          const inference = {
            inferenceId: inferenceId(
              this.#stream.name,
              this.#stream.eventIdOf(p.item.event),
              model.name,
              model.role,
              this.#runId,
            ),
            stream: this.#stream.name,
            eventId: this.#stream.eventIdOf(p.item.event),
            key: p.key,
            eventTime: p.eventTime,
            scoredAt,
            score,
            threshold,
            anomaly: score > threshold,
            modelName: model.name,
            modelVersion: model.version,
            modelRole: model.role,
            featureSet: p.set.name,
            featureSetVersion: p.set.version,
            sourceTopic: p.item.source.topic,
            sourcePartition: p.item.source.partition,
            sourceOffset: p.item.source.offset,
          };
          out.inferences.push(p.attachFeatures(inference));
        }
        if (!production) continue;
        const alert = this.#alerts.evaluate({
          key: p.key,
          eventTime: p.eventTime,
          score,
          threshold,
          modelName: model.name,
          modelVersion: model.version,
          channels: this.#engineFor(this.#stream.subjectOf(p.item.event))!.stats.read(
            p.vector,
            this.#normalsOf(model, p.set),
          ),
          speed: this.#stream.speedOf?.(p.item.event),
        });
        if (alert !== undefined && options.emit) {
          out.alerts.push(alert);
          if (rules?.suppressedAt(p.key, alert.openedAt)) out.suppressedAlerts.add(alert.alertId);
        }
      }
    }
  }

  #normalsOf(model: ScoringModel, set: FeatureSet): ReadonlyMap<string, ChannelNormal> | undefined {
    if (!this.#normals.has(model)) {
      this.#normals.set(model, model.reference && channelNormals(set, model.reference));
    }
    return this.#normals.get(model);
  }

  #scratchOf(engine: FeatureEngine): Float64Array {
    let scratch = this.#scratch.get(engine);
    if (scratch === undefined) {
      scratch = new Float64Array(engine.vectorLength);
      this.#scratch.set(engine, scratch);
    }
    return scratch;
  }

  #engineFor(subject: string) {
    if (!this.#engines.has(subject)) {
      const set = this.#stream.featureSet(subject);
      this.#engines.set(subject, set && { engine: createFeatureEngine(set), stats: channelStatsReader(set) });
    }
    return this.#engines.get(subject);
  }
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** One model call per model over all pending vectors it scores. */
async function scoreAll<E>(pending: readonly Pending<E>[]): Promise<void> {
  const byModel = new Map<ScoringModel, { rows: Pending<E>[]; slot: number[] }>();
  for (const p of pending) {
    p.models.forEach((model, slot) => {
      let group = byModel.get(model);
      if (group === undefined) {
        group = { rows: [], slot: [] };
        byModel.set(model, group);
      }
      group.rows.push(p);
      group.slot.push(slot);
    });
  }
  // All models at once: a scorer shared by concurrent batches merges what it is asked in one turn (CoalescedScorer).
  await Promise.all(
    [...byModel].map(async ([model, group]) => {
      const width = group.rows[0]!.vector.length;
      const flat = new Float32Array(group.rows.length * width);
      for (let i = 0; i < group.rows.length; i++) flat.set(group.rows[i]!.vector, i * width);
      const scores = await model.scorer.scoreBatch(flat, group.rows.length);
      group.rows.forEach((p, i) => {
        p.scores[group.slot[i]!] = scores[i]!;
      });
    }),
  );
}
