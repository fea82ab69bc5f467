/**
 * Makes one batch's outputs durable: ClickHouse first (raw events, features, inferences, alerts, dead letters:
 * the source of truth queries read), then Kafka (inferences, alerts, dead letters for downstream consumers).
 * Only after both succeed may the batch's offsets be committed (contract 5). ClickHouse rows are idempotent
 * (ReplacingMergeTree keys), so a retry after a crash replaces rather than duplicates; Kafka outputs are
 * at-least-once and carry their ids (inferenceId, alertId, source coordinates) for consumers to deduplicate.
 */
import type { Message, Producer } from 'kafkajs';
import { type AssetTypeRow, assetTypeRow } from '../adapters/clickhouse/asset-types.js';
import { FeatureSetNames } from '../adapters/clickhouse/feature-set-names.js';
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import { alertRow, deadLetterRow, featureRow, inferenceRow } from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import { toKafkaError } from '../adapters/kafka/kafka-errors.js';
import type { Alert, DeadLetter, Inference } from '../core/events/types.js';
import type { FeatureRow } from '../core/scoring/index.js';
import type { TopicSpec } from '../core/topics.js';
import { mapByTurns, nextTurn } from '../core/turns.js';

export interface Encoder<T> {
  encode(value: T): Buffer;
}

export interface OutputTopics {
  readonly inferences: TopicSpec;
  readonly alerts: TopicSpec;
  readonly deadLetters: TopicSpec;
}

export interface OutputCodecs {
  readonly inference: Encoder<Inference>;
  readonly alert: Encoder<Alert>;
  readonly deadLetter: Encoder<DeadLetter>;
}

export interface BatchOutputs {
  /** Asset types first seen in this batch (before the raw rows that need them). */
  readonly assetTypes: readonly AssetTypeRow[];
  readonly rawTable: string;
  readonly raw: readonly Row[];
  readonly features: readonly FeatureRow[];
  readonly inferences: readonly Inference[];
  readonly alerts: readonly Alert[];
  /** Alert ids opened in a maintenance window: stored with suppressed = 1, not published (nobody is paged). */
  readonly suppressedAlerts?: ReadonlySet<string>;
  readonly deadLetters: readonly DeadLetter[];
}

/** The outputs of consecutive batches as one (written together: one insert per table), in batch order. */
export function mergeOutputs(batches: readonly BatchOutputs[]): BatchOutputs {
  if (batches.length === 1) return batches[0]!;
  const suppressed = new Set<string>();
  for (const b of batches) for (const id of b.suppressedAlerts ?? []) suppressed.add(id);
  return {
    assetTypes: batches.flatMap((b) => b.assetTypes),
    rawTable: batches[0]!.rawTable,
    raw: batches.flatMap((b) => b.raw),
    features: batches.flatMap((b) => b.features),
    inferences: batches.flatMap((b) => b.inferences),
    alerts: batches.flatMap((b) => b.alerts),
    suppressedAlerts: suppressed,
    deadLetters: batches.flatMap((b) => b.deadLetters),
  };
}

export interface OutputWriterOptions {
  readonly clickhouse: ClickHouse;
  readonly producer: Producer;
  readonly topics: OutputTopics;
  readonly codecs: OutputCodecs;
  readonly brokers: readonly string[];
  /** Publish every inference to Kafka (true) or only anomalous ones (false). */
  readonly publishAllInferences: boolean;
}

export class OutputWriter {
  readonly #o: OutputWriterOptions;
  readonly #featureSetNames: FeatureSetNames;

  constructor(options: OutputWriterOptions) {
    this.#o = options;
    this.#featureSetNames = new FeatureSetNames(options.clickhouse);
  }

  async write(outputs: BatchOutputs): Promise<void> {
    await this.#toClickHouse(outputs);
    await this.#toKafka(outputs);
  }

  async #toClickHouse(o: BatchOutputs): Promise<void> {
    const ch = this.#o.clickhouse;
    // Dead letters and raw events first: if the process dies between inserts, a restart re-writes them all.
    await ch.insertRows('asset_types', o.assetTypes.map(assetTypeRow));
    await ch.insertRows('dead_letters', o.deadLetters.map(deadLetterRow));
    await ch.insertRows(o.rawTable, o.raw);
    await this.#featureSetNames.ensure(o.features);
    // A group write holds thousands of ~230-value vectors: made into rows by turns, as the inserts encode them.
    await ch.insertRows('features', await mapByTurns(o.features, (f) => featureRow(f)));
    await ch.insertRows(
      'inferences',
      o.inferences.map((i) => inferenceRow(i, {}, 'features-table')),
    );
    await ch.insertRows(
      'alerts',
      o.alerts.map((a) => (o.suppressedAlerts?.has(a.alertId) ? { ...alertRow(a), suppressed: true } : alertRow(a))),
    );
  }

  async #toKafka(o: BatchOutputs): Promise<void> {
    const { topics, codecs, publishAllInferences } = this.#o;
    const topicMessages: { topic: string; messages: Message[] }[] = [];
    const inferences = publishAllInferences ? o.inferences : o.inferences.filter((i) => i.anomaly);
    if (inferences.length > 0) {
      // An inference record carries its ~230-entry feature map: a group write's worth of them is tens of
      // milliseconds of encoding, given back to the event loop in slices.
      topicMessages.push({
        topic: topics.inferences.name,
        messages: await mapByTurns(inferences, (i) => ({
          key: i.key,
          value: codecs.inference.encode(i),
          timestamp: String(i.eventTime),
        })),
      });
    }
    const alerts = o.suppressedAlerts?.size ? o.alerts.filter((a) => !o.suppressedAlerts!.has(a.alertId)) : o.alerts;
    if (alerts.length > 0) {
      topicMessages.push({
        topic: topics.alerts.name,
        messages: alerts.map((a) => ({ key: a.key, value: codecs.alert.encode(a), timestamp: String(a.eventTime) })),
      });
    }
    if (o.deadLetters.length > 0) {
      topicMessages.push({
        topic: topics.deadLetters.name,
        messages: o.deadLetters.map((d) => ({
          key: d.key === null ? null : Buffer.from(d.key),
          value: codecs.deadLetter.encode(d),
          timestamp: String(d.receivedAt),
        })),
      });
    }
    for (const chunk of chunksOf(topicMessages, MAX_REQUEST_BYTES)) {
      // kafkajs encodes a request synchronously (a chunk is a few milliseconds): background work, by turns.
      await nextTurn();
      try {
        await this.#o.producer.sendBatch({ topicMessages: chunk, acks: -1 });
      } catch (error) {
        throw toKafkaError(error, { operation: 'publishing processor outputs', brokers: this.#o.brokers });
      }
    }
  }
}

/**
 * Kafka refuses a record batch over the broker's message.max.bytes (1 MiB by default) and kafkajs sends one
 * record batch per partition per request: requests are cut well below it.
 */
const MAX_REQUEST_BYTES = 512 * 1024;

type TopicMessages = { topic: string; messages: Message[] };

function chunksOf(topicMessages: readonly TopicMessages[], maxBytes: number): TopicMessages[][] {
  const chunks: TopicMessages[][] = [];
  let current: TopicMessages[] = [];
  let bytes = 0;
  for (const { topic, messages } of topicMessages) {
    let open: TopicMessages | undefined;
    for (const message of messages) {
      const size = (message.value as Buffer | null)?.length ?? 0;
      if (bytes + size > maxBytes && bytes > 0) {
        chunks.push(current);
        current = [];
        open = undefined;
        bytes = 0;
      }
      if (open === undefined) {
        open = { topic, messages: [] };
        current.push(open);
      }
      open.messages.push(message);
      bytes += size;
    }
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}
