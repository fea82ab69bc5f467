/**
 * `vigil process --stream sensors|orders`: one Kafka consumer group member. Per fetched batch (one partition):
 * decode + contract checks → scoring pipeline → outputs durable (ClickHouse, then Kafka) → offset committed with
 * its restore point. The last two steps run behind the scoring of the next batches (SinkQueue), in order.
 * See README.md for the delivery and restore design.
 *
 * Failure policy, decided here and nowhere else: bad records become dead letters and the stream goes on;
 * transient trouble (ClickHouse, registry or Kafka unavailable) pauses the batch and retries with backoff,
 * heartbeating so the group keeps the partition, and sends nothing to the dead letters; anything else stops the
 * processor (a bug or a misconfiguration: better loud than wrong).
 */
import { randomUUID } from 'node:crypto';
import type { Admin, Consumer, EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { type AssetTypeRow, loadAssetTypes } from '../adapters/clickhouse/asset-types.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { createEventCodec } from '../adapters/kafka/event-codec.js';
import { InferenceEncoder } from '../adapters/kafka/inference-encoder.js';
import { toKafkaError } from '../adapters/kafka/kafka-errors.js';
import { rememberingKeyPartitioner } from '../adapters/kafka/key-partitioner.js';
import type { Logger } from '../adapters/logger.js';
import type { Registry } from '../adapters/metrics.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import { lookupSchemaIds } from '../adapters/registry/register-schemas.js';
import type { Config } from '../core/config/index.js';
import { describeError, isVigilError } from '../core/errors.js';
import { deadLetterReasonOf } from '../core/events/errors.js';
import type { DeadLetter, DeadLetterReason, ModelEvent, Order, SensorReading } from '../core/events/types.js';
import type { AssetTypeCatalogue } from '../core/plant/asset-type-catalogue.js';
import { DEFAULT_RETRY, sleepBeating, withRetry } from '../core/retry.js';
import type { AlertRules, PipelineItem, ScoredBatch, ScoringModel, StreamName } from '../core/scoring/index.js';
import { topicsFromConfig } from '../core/topics.js';
import { inForeground } from '../core/turns.js';
import { BatchLifecycle } from './batch-lifecycle.js';
import { decodeCheckpoint, encodeCheckpointMetadata } from './checkpoint.js';
import { LiveModels, type ModelSource } from './live-models.js';
import { type ProcessorMetrics, processorMetrics } from './metrics.js';
import { type BatchOutputs, mergeOutputs, OutputWriter } from './output-writer.js';
import { PartitionState } from './partition-state.js';
import { SinkQueue } from './sink-queue.js';
import { type StreamRuntime, streamRuntime } from './streams.js';

type AnyEvent = SensorReading | Order;

export interface ProcessorOptions {
  readonly stream: StreamName;
  readonly config: Config;
  readonly logger: Logger;
  readonly clickhouse: ClickHouse;
  readonly metrics: Registry;
  readonly models: ModelSource;
  /** Consumer group (default `vigil-processor-<stream>`); instances of one group share partitions. */
  readonly groupId?: string;
  /** Subjects to load models for at start (asset types, or `store`). */
  readonly subjects: readonly string[];
  /** Publish every inference to Kafka, not only anomalies (default true). */
  readonly publishAllInferences?: boolean;
  /** Called when the processor stops on an error it must not survive. */
  readonly onFatal?: (error: unknown) => void;
  /** Asset types known to this process (shared with the registry in the same process); default: the plant's. */
  readonly assetTypes?: AssetTypeCatalogue;
  /** Told each subject's models after every (re)load (the demo's API scores with the same versions). */
  readonly onModelsChange?: (subject: string, models: readonly ScoringModel[]) => void;
  /** Threshold overrides and maintenance windows (alert-workflow/ LiveAlertRules), refreshed between batches. */
  readonly alertRules?: AlertRules & { beforeBatch(now: number): Promise<unknown> | undefined; idle(): Promise<void> };
}

/**
 * Scored events that may wait for (or be in) their durable write. About two catch-up batches of all 6 sensor
 * partitions' worth at 1 MiB each: enough for group commits of a useful size, and more would only hold memory
 * (the sink is the slower stage, so a deeper queue fills and then waits all the same).
 */
const MAX_PENDING_SINK_EVENTS = 10_000;

/** A scored batch on its way to durable outputs and its offset commit. */
interface PendingBatch {
  readonly payload: EachBatchPayload;
  readonly lifecycle: BatchLifecycle;
  /** The consumer group generation the batch was consumed in (see #generation). */
  readonly generation: number;
  readonly outputs: BatchOutputs;
  readonly scored: ScoredBatch<AnyEvent>;
  readonly decoded: number;
  readonly scoredAt: number;
  readonly next: string;
  readonly restoreFrom: string;
}

const OUTAGE_RETRY = {
  ...DEFAULT_RETRY,
  initialDelayMs: 250,
  maxDelayMs: 10_000,
  maxAttempts: Number.POSITIVE_INFINITY,
};

export class StreamProcessor {
  readonly #o: ProcessorOptions;
  readonly #log: Logger;
  readonly #metrics: ProcessorMetrics;
  readonly #runtime: StreamRuntime<AnyEvent>;
  readonly #groupId: string;
  readonly #models: LiveModels;
  readonly #partitions = new Map<number, PartitionState<AnyEvent>>();
  #consumer: Consumer | undefined;
  #control: Consumer | undefined;
  #producer: Producer | undefined;
  #admin: Admin | undefined;
  #writer: OutputWriter | undefined;
  #decode: ((bytes: Buffer) => AnyEvent | undefined) | undefined;
  #prepare: ((values: (Buffer | null)[]) => Promise<void> | undefined) | undefined;
  #stopping = new AbortController();
  readonly #sink: SinkQueue<PendingBatch>;
  /**
   * Counts group (re)joins. A batch consumed before a rejoin is still written (its outputs are idempotent) but not
   * committed: its partition's state was rebuilt for the new assignment, which re-processes it.
   */
  #generation = 0;
  /** The error the processor stops on, once reported (a failed sink job surfaces again in later batches). */
  #fatal: unknown;
  /** Events scored since start (tests and the demo banner). */
  scoredEvents = 0;

  constructor(options: ProcessorOptions) {
    this.#o = options;
    this.#runtime = streamRuntime(options.stream, options.config, options.assetTypes);
    this.#groupId = options.groupId ?? `vigil-processor-${options.stream}`;
    this.#log = options.logger.child({ component: 'processor', stream: options.stream });
    this.#metrics = processorMetrics(options.metrics);
    this.#sink = new SinkQueue<PendingBatch>((batches) => this.#flush(batches), MAX_PENDING_SINK_EVENTS, {
      minIntervalMs: options.config.processor.writeIntervalMs,
    });
    this.#models = new LiveModels({
      stream: options.stream,
      featureSetOf: (s) => this.#runtime.definition.featureSet(s),
      source: options.models,
      logger: options.logger,
      metrics: this.#metrics,
      ...(options.onModelsChange ? { onChange: options.onModelsChange } : {}),
    });
  }

  get models(): LiveModels {
    return this.#models;
  }

  async start(): Promise<void> {
    const { config } = this.#o;
    const topics = topicsFromConfig(config);
    const registry = createRegistryClient(config);
    const ids = new Map(
      (
        await lookupSchemaIds(registry, [this.#runtime.topic, topics.inferences, topics.alerts, topics.deadLetters])
      ).map((r) => [r.topic, r.id]),
    );
    const input = createEventCodec(this.#runtime.topic.valueSchema, registry, {
      schemaId: ids.get(this.#runtime.topic.name)!,
    });
    this.#decode = (bytes) => input.decodeCached(bytes) as AnyEvent | undefined;
    this.#prepare = (values) => input.prepareBatch(values);
    const registered = this.#runtime.assetTypes
      ? await loadAssetTypes(this.#o.clickhouse, this.#runtime.assetTypes)
      : [];
    await this.#models.loadAll([...this.#o.subjects, ...registered]);

    const kafka = createKafkaClient(config, this.#o.logger, { clientIdSuffix: `processor-${this.#o.stream}` });
    this.#admin = kafka.admin();
    this.#producer = kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: rememberingKeyPartitioner,
      retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 5_000 },
    });
    this.#writer = new OutputWriter({
      clickhouse: this.#o.clickhouse,
      producer: this.#producer,
      topics: { inferences: topics.inferences, alerts: topics.alerts, deadLetters: topics.deadLetters },
      codecs: {
        inference: new InferenceEncoder(
          createEventCodec('inference', registry, { schemaId: ids.get(topics.inferences.name)! }),
          { features: config.processor.inferenceFeatures },
        ),
        alert: createEventCodec('alert', registry, { schemaId: ids.get(topics.alerts.name)! }),
        deadLetter: createEventCodec('dead-letter', registry, { schemaId: ids.get(topics.deadLetters.name)! }),
      },
      brokers: config.kafka.brokers,
      publishAllInferences: this.#o.publishAllInferences ?? true,
    });
    this.#consumer = kafka.consumer({
      groupId: this.#groupId,
      // Long batches (a ClickHouse outage) heartbeat explicitly; the session timeout bounds a dead member.
      sessionTimeout: config.processor.sessionTimeoutMs,
      heartbeatInterval: heartbeatIntervalMs(config),
      maxBytesPerPartition: config.processor.maxBatchBytes,
      minBytes: config.processor.fetchMinBytes,
      maxWaitTimeInMs: config.processor.fetchMaxWaitMs,
    });
    // Every (re)assignment rebuilds partition state from the committed restore points.
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, () => {
      this.#generation++;
      this.#metrics.groupJoins.inc({ stream: this.#o.stream });
      this.#partitions.clear();
    });
    this.#stopOnFinalCrash(this.#consumer, `consuming ${this.#runtime.topic.name}`);
    await this.#connect(async () => {
      await this.#admin!.connect();
      await this.#producer!.connect();
      await this.#consumer!.connect();
      await this.#consumer!.subscribe({ topic: this.#runtime.topic.name, fromBeginning: true });
    });
    await this.#startControlConsumer(kafka, registry, topics.modelControl.name);
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      // The batches of one fetch score together: one model call per model for all of them (CoalescedScorer).
      partitionsConsumedConcurrently: config.processor.concurrentPartitions,
      eachBatch: (payload) => this.#eachBatch(payload),
    });
    this.#log.info(
      { group: this.#groupId, topic: this.#runtime.topic.name, models: this.#models.describe() },
      'processor started',
    );
  }

  async stop(): Promise<void> {
    this.#stopping.abort(new Error('processor stopping'));
    // The batch being written finishes (and commits) while the consumer is still a member; queued ones are skipped
    // and consumed again on the next start. A failure here was reported when it happened.
    await this.#sink.drain().catch(() => {});
    await this.#o.alertRules?.idle();
    await this.#control?.disconnect().catch(() => {});
    await this.#consumer
      ?.disconnect()
      .catch((e: unknown) => this.#log.warn({ err: describeError(e) }, 'consumer disconnect'));
    await this.#producer?.disconnect().catch(() => {});
    await this.#admin?.disconnect().catch(() => {});
    await this.#models.close();
    this.#log.info({ scored: this.scoredEvents }, 'processor stopped');
  }

  async #connect(fn: () => Promise<void>): Promise<void> {
    try {
      await fn();
    } catch (error) {
      throw toKafkaError(error, { operation: 'starting the processor', brokers: this.#o.config.kafka.brokers });
    }
  }

  async #startControlConsumer(
    kafka: ReturnType<typeof createKafkaClient>,
    registry: ReturnType<typeof createRegistryClient>,
    topic: string,
  ) {
    const codec = createEventCodec('model-event', registry);
    // A group of its own per instance: every processor must see every announcement.
    this.#control = kafka.consumer({ groupId: `${this.#groupId}-control-${randomUUID()}` });
    this.#stopOnFinalCrash(this.#control, `consuming ${topic}`);
    await this.#connect(async () => {
      await this.#control!.connect();
      await this.#control!.subscribe({ topic, fromBeginning: false });
    });
    await this.#control.run({
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        try {
          const event = (await codec.decode(message.value)) as ModelEvent;
          if (event.stream === this.#o.stream || event.modelName.startsWith(`${this.#o.stream}-`)) {
            this.#log.info(
              { model: event.modelName, action: event.action, version: event.version },
              'model change announced',
            );
            this.#models.requestReload(event.modelName);
          }
        } catch (error) {
          this.#log.error({ err: describeError(error) }, 'unreadable model-control message ignored');
        }
      },
    });
  }

  /**
   * kafkajs restarts a consumer after a retriable crash, but leaves it stopped after any other: the processor would
   * then look alive and consume nothing. It stops instead (the CLI exits non-zero and the supervisor restarts it).
   */
  #stopOnFinalCrash(consumer: Consumer, operation: string): void {
    consumer.on(consumer.events.CRASH, ({ payload }) => {
      if (payload.restart || this.#stopping.signal.aborted) return;
      this.#reportFatal(toKafkaError(payload.error, { operation, brokers: this.#o.config.kafka.brokers }));
    });
  }

  /** Runs `fn` until it succeeds, waiting out transient outages; other errors propagate. */
  async #durably<T>(what: string, fn: () => Promise<T>, heartbeat: () => Promise<void>): Promise<T> {
    let paused = false;
    try {
      return await withRetry(
        async () => {
          if (paused) await heartbeat();
          return fn();
        },
        OUTAGE_RETRY,
        {
          signal: this.#stopping.signal,
          sleep: sleepBeating(heartbeat, heartbeatIntervalMs(this.#o.config)),
          onRetry: (error, attempt, delayMs) => {
            paused = true;
            this.#metrics.paused.set({ stream: this.#o.stream }, 1);
            this.#log.warn(
              { what, attempt, delayMs, err: describeError(error) },
              'transient failure; pausing and retrying',
            );
          },
        },
      );
    } finally {
      if (paused) this.#metrics.paused.set({ stream: this.#o.stream }, 0);
    }
  }

  async #partitionState(
    topic: string,
    partition: number,
    heartbeat: () => Promise<void>,
  ): Promise<PartitionState<AnyEvent>> {
    const existing = this.#partitions.get(partition);
    if (existing) return existing;
    const state = new PartitionState(this.#runtime, this.#models, this.#o.alertRules);
    const committed = await this.#durably(
      'reading the committed offset',
      async () => {
        try {
          const [entry] = await this.#admin!.fetchOffsets({ groupId: this.#groupId, topics: [topic] });
          return entry?.partitions.find((p) => p.partition === partition);
        } catch (error) {
          throw toKafkaError(error, { operation: 'fetching committed offsets', brokers: this.#o.config.kafka.brokers });
        }
      },
      heartbeat,
    );
    if (committed !== undefined && Number(committed.offset) >= 0) {
      const checkpoint = decodeCheckpoint(committed.offset, committed.metadata);
      const replayed = await this.#durably(
        'restoring partition state',
        () => state.restore(this.#runtime, this.#o.clickhouse, topic, partition, checkpoint),
        heartbeat,
      );
      this.#metrics.restored.inc({ stream: this.#o.stream }, replayed);
      this.#log.info({ partition, ...checkpoint, replayed }, 'partition state restored');
    }
    this.#partitions.set(partition, state);
    return state;
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, heartbeat, isRunning, isStale } = payload;
    if (batch.messages.length === 0 || !isRunning() || isStale() || this.#stopping.signal.aborted) return;
    const lifecycle = new BatchLifecycle();
    try {
      await this.#models.applyPending();
      await this.#o.alertRules?.beforeBatch(Date.now());
      const state = await this.#partitionState(batch.topic, batch.partition, heartbeat);
      const receivedAt = Date.now();
      // Outside the foreground below: a registry outage is waited out here, not ahead of the sink's turns.
      await this.#durably(
        'looking up writer schemas',
        async () => this.#prepare!(batch.messages.map((m) => m.value)),
        heartbeat,
      );
      // Scoring first: the group writes behind it wait for their next encoding turn until this batch is scored.
      const { items, deadLetters, newAssetTypes, scored } = await inForeground(() =>
        this.#decodeAndScore(state, batch.topic, batch.partition, batch.messages, receivedAt),
      );
      const scoredAt = Date.now();
      deadLetters.push(...this.#unusable(scored, batch.messages, receivedAt));
      lifecycle.to('processed');
      // The restore point is the state's as of this batch: the next batches change it before this one commits.
      state.track(scored.accepted, this.#runtime);
      const last = batch.messages[batch.messages.length - 1]!.offset;
      const next = (BigInt(last) + 1n).toString();
      const restoreFrom = state.tracker.restoreFrom(next);
      // Fetching goes on from here; committing waits for the outputs (#flush).
      payload.resolveOffset(last);
      await this.#sink.submit(
        {
          payload,
          lifecycle,
          generation: this.#generation,
          outputs: {
            assetTypes: newAssetTypes,
            rawTable: this.#runtime.rawTable,
            raw: scored.accepted.map((i) => this.#runtime.rawRow(i.event, i.source)),
            features: scored.features,
            inferences: scored.inferences,
            alerts: scored.alerts,
            suppressedAlerts: scored.suppressedAlerts,
            deadLetters,
          },
          scored,
          decoded: items.length,
          scoredAt,
          next,
          restoreFrom,
        },
        batch.messages.length,
      );
    } catch (error) {
      this.#batchFailed(error, [batch.partition], [lifecycle]);
    }
  }

  /**
   * Makes the outputs of the scored batches that queued up durable, one insert per table for all of them, then
   * commits each partition's newest offset with its restore point.
   */
  async #flush(batches: readonly PendingBatch[]): Promise<void> {
    // Not written, not committed: consumed again on the next start.
    if (this.#stopping.signal.aborted) return;
    const newest = batches[batches.length - 1]!.payload;
    try {
      const sinkStarted = performance.now();
      await this.#durably(
        'writing outputs',
        () => this.#writer!.write(mergeOutputs(batches.map((b) => b.outputs))),
        newest.heartbeat,
      );
      const durableAt = Date.now();
      this.#metrics.sinkSeconds.observe({ stream: this.#o.stream }, (performance.now() - sinkStarted) / 1000);
      for (const b of batches) b.lifecycle.to('flushed');
      const current = batches.filter(
        (b) => b.generation === this.#generation && b.payload.isRunning() && !b.payload.isStale(),
      );
      if (current.length < batches.length) {
        this.#log.info(
          { batches: batches.length - current.length },
          'batches written but not committed: the group rebalanced since',
        );
      }
      // Batches are in consumption order: a partition's last one carries its offset and restore point.
      const commits = new Map<string, { topic: string; partition: number; offset: string; metadata: string }>();
      for (const b of current) {
        const { topic, partition } = b.payload.batch;
        commits.set(`${topic}:${partition}`, {
          topic,
          partition,
          offset: b.next,
          metadata: encodeCheckpointMetadata(b.restoreFrom),
        });
      }
      if (commits.size > 0) await this.#consumer!.commitOffsets([...commits.values()]);
      for (const b of current) {
        b.lifecycle.to('committed');
        this.#observe(b, durableAt);
        this.#metrics.lag.set(
          { stream: this.#o.stream, partition: String(b.payload.batch.partition) },
          Math.max(0, Number(b.payload.batch.highWatermark) - Number(b.next)),
        );
      }
    } catch (error) {
      this.#batchFailed(
        error,
        batches.map((b) => b.payload.batch.partition),
        batches.map((b) => b.lifecycle),
      );
    }
  }

  /** The failure policy for batches: returns when the stream may go on, throws (once reported) when it must stop. */
  #batchFailed(error: unknown, partitions: readonly number[], lifecycles: readonly BatchLifecycle[]): void {
    for (const lifecycle of lifecycles) {
      if (lifecycle.state !== 'committed') lifecycle.to('failed');
    }
    if (this.#stopping.signal.aborted) return;
    const partition = [...new Set(partitions)].join(',');
    if (isRebalance(error)) {
      this.#log.info(
        { partition, err: describeError(error) },
        'batch abandoned by a rebalance; the new owner re-processes it',
      );
      return;
    }
    this.#reportFatal(error, partition);
    throw error;
  }

  /** Reports the error the processor must stop on, once. */
  #reportFatal(error: unknown, partition?: string): void {
    if (error === this.#fatal) return;
    this.#fatal = error;
    this.#log.fatal({ partition, err: describeError(error) }, 'processor stopping on a non-transient error');
    this.#o.onFatal?.(error);
  }

  async #decodeAndScore(
    state: PartitionState<AnyEvent>,
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    receivedAt: number,
  ) {
    const decoded = this.#decodeBatch(topic, partition, messages, receivedAt);
    const scored = await state.pipeline.process(decoded.items, {
      emit: true,
      scoredAt: Date.now,
      now: () => performance.now(),
    });
    return { ...decoded, scored };
  }

  /** Decodes and checks a batch whose writer schemas are prepared (`#prepare`). */
  #decodeBatch(
    topic: string,
    partition: number,
    messages: KafkaMessage[],
    receivedAt: number,
  ): { items: PipelineItem<AnyEvent>[]; deadLetters: DeadLetter[]; newAssetTypes: AssetTypeRow[] } {
    const items: PipelineItem<AnyEvent>[] = [];
    const deadLetters: DeadLetter[] = [];
    const newAssetTypes: AssetTypeRow[] = [];
    for (const message of messages) {
      const dead = (reason: DeadLetterReason, text: string) =>
        deadLetters.push(this.#deadLetter(topic, partition, message, reason, text, receivedAt));
      let event: AnyEvent | undefined;
      try {
        event = this.#decode!(message.value ?? Buffer.alloc(0));
      } catch (error) {
        const reason = deadLetterReasonOf(error);
        if (reason === undefined) throw error;
        dead(reason, describeError(error));
        continue;
      }
      if (event === undefined) {
        dead('UNKNOWN_SCHEMA', 'writer schema could not be prepared');
        continue;
      }
      if (this.#runtime.assetTypes && 'assetType' in event) this.#registerIfNew(event, newAssetTypes);
      const check = this.#runtime.validate(event, receivedAt);
      if (!check.ok) {
        dead(check.reason, check.message);
        continue;
      }
      items.push({ event, source: { topic, partition, offset: message.offset } });
    }
    return { items, deadLetters, newAssetTypes };
  }

  /**
   * A reading of an undeclared asset type registers the type with the channels it carries (an import of new
   * equipment): its feature set derives from them, and its model `sensors-<type>` loads once one is promoted.
   */
  #registerIfNew(reading: SensorReading, into: AssetTypeRow[]): void {
    const catalogue = this.#runtime.assetTypes!;
    if (!this.#o.config.processor.autoRegisterAssetTypes || catalogue.specs(reading.assetType) !== undefined) return;
    const channels = Object.keys(reading.channels);
    if (channels.length === 0 || !catalogue.register(reading.assetType, channels)) return;
    into.push({ assetType: reading.assetType, channels: catalogue.channelNames(reading.assetType)! });
    this.#models.requestReload(this.#models.nameOf(reading.assetType));
    this.#log.info({ assetType: reading.assetType, channels }, 'new asset type registered from its first reading');
  }

  /** Late events and events of unknown subjects, with their original bytes. */
  #unusable(scored: ScoredBatch<AnyEvent>, messages: KafkaMessage[], receivedAt: number): DeadLetter[] {
    if (scored.late.length === 0 && scored.unknownSubject.length === 0) return [];
    const byOffset = new Map(messages.map((m) => [m.offset, m]));
    const out: DeadLetter[] = [];
    const add = (items: readonly PipelineItem<AnyEvent>[], reason: DeadLetterReason, text: string) => {
      for (const item of items) {
        const message = byOffset.get(item.source.offset)!;
        out.push(this.#deadLetter(item.source.topic, item.source.partition, message, reason, text, receivedAt));
      }
    };
    add(scored.late, 'LATE', 'event time is older than its key newest event minus the allowed lateness');
    add(scored.unknownSubject, 'CONTRACT_VIOLATION', 'no feature set for this asset type');
    return out;
  }

  #deadLetter(
    topic: string,
    partition: number,
    message: KafkaMessage,
    reason: DeadLetterReason,
    text: string,
    receivedAt: number,
  ): DeadLetter {
    return {
      stream: this.#o.stream,
      sourceTopic: topic,
      sourcePartition: partition,
      sourceOffset: message.offset,
      key: message.key,
      value: message.value,
      reason,
      message: text,
      receivedAt,
    };
  }

  #observe(b: PendingBatch, durableAt: number): void {
    const { scored, scoredAt } = b;
    const consumed = b.payload.batch.messages.length;
    const deadLetters = b.outputs.deadLetters;
    const stream = this.#o.stream;
    const m = this.#metrics;
    m.consumed.inc({ stream }, consumed);
    m.decoded.inc({ stream }, b.decoded);
    m.batchSize.observe({ stream }, consumed);
    if (scored.late.length > 0) m.late.inc({ stream }, scored.late.length);
    if (scored.duplicates > 0) m.duplicate.inc({ stream }, scored.duplicates);
    for (const d of deadLetters) m.deadLetters.inc({ stream, reason: d.reason });
    m.modelSeconds.observe({ stream }, scored.modelMs / 1000);
    for (const i of scored.inferences) {
      m.scored.inc({ stream, model_role: i.modelRole });
      if (i.anomaly) m.anomalies.inc({ stream, model_role: i.modelRole });
      if (i.modelRole === 'production') {
        this.scoredEvents++;
        m.eventToScore.observe({ stream }, Math.max(0, scoredAt - i.eventTime) / 1000);
        m.eventToDurable.observe({ stream }, Math.max(0, durableAt - i.eventTime) / 1000);
      }
    }
    for (const a of scored.alerts) m.alerts.inc({ stream, severity: a.severity, state: a.state });
  }
}

/** A tenth of the session timeout: a member misses several heartbeats before the group drops it. */
function heartbeatIntervalMs(config: Config): number {
  return Math.max(500, Math.floor(config.processor.sessionTimeoutMs / 10));
}

const REBALANCE_TYPES = new Set([
  'REBALANCE_IN_PROGRESS',
  'ILLEGAL_GENERATION',
  'UNKNOWN_MEMBER_ID',
  'NOT_COORDINATOR',
]);

/** kafkajs protocol errors that mean "this member lost the partition": not a failure of ours. */
function isRebalance(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 4; depth++) {
    const type = (e as { type?: string }).type;
    if (type !== undefined && REBALANCE_TYPES.has(type)) return true;
    if (e.name === 'KafkaJSStaleTopicMetadataAssignment') return true;
    e = (e as { cause?: unknown }).cause;
  }
  return isVigilError(error) && /rebalanc/i.test(error.message);
}
