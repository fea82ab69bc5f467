/**
 * Announces model changes on the compacted model-control topic (`<prefix>model-control`, one partition, key =
 * model name, value = ModelEvent in Avro). Compaction keeps the latest change per model; a processor treats a
 * message as "re-read the registry for this model name" (registry/README.md). The producer connects on the first
 * announcement, so read-only commands never need Kafka.
 */
import type { Kafka, Producer } from 'kafkajs';
import { createEventCodec } from '../adapters/kafka/event-codec.js';
import { kafkaCall } from '../adapters/kafka/kafka-errors.js';
import type { Logger } from '../adapters/logger.js';
import type { RegistryClient } from '../adapters/registry/client.js';
import { lookupSchemaIds } from '../adapters/registry/register-schemas.js';
import type { ModelEvent } from '../core/events/types.js';
import type { TopicSpec } from '../core/topics.js';

export interface ModelAnnouncer {
  readonly topic: string;
  announce(event: ModelEvent): Promise<void>;
  close(): Promise<void>;
}

export interface KafkaAnnouncerDeps {
  readonly kafka: Kafka;
  readonly topic: TopicSpec;
  readonly schemaRegistry: RegistryClient;
  readonly brokers: readonly string[];
  readonly logger: Logger;
}

export function kafkaAnnouncer(deps: KafkaAnnouncerDeps): ModelAnnouncer {
  const log = deps.logger.child({ component: 'model-control' });
  let ready: Promise<{ producer: Producer; encode: (e: ModelEvent) => Buffer }> | undefined;
  const call = <T>(operation: string, fn: () => Promise<T>) => kafkaCall({ operation, brokers: deps.brokers }, fn);

  async function connect() {
    const [registered] = await lookupSchemaIds(deps.schemaRegistry, [deps.topic]);
    const codec = createEventCodec('model-event', deps.schemaRegistry, { schemaId: registered!.id });
    // One message per change, acks=all, one in flight: ordered without the idempotent producer (whose retry limit
    // clashes with the client's retry policy).
    const producer = deps.kafka.producer({ allowAutoTopicCreation: false, maxInFlightRequests: 1 });
    await call('connecting the model-control producer', () => producer.connect());
    return { producer, encode: (e: ModelEvent) => codec.encode(e) };
  }

  return {
    topic: deps.topic.name,
    async announce(event) {
      ready ??= connect();
      let p: Awaited<typeof ready>;
      try {
        p = await ready;
      } catch (error) {
        ready = undefined; // next announcement tries again
        throw error;
      }
      await call(`announcing ${event.action} of ${event.modelName}`, () =>
        p.producer.send({
          topic: deps.topic.name,
          acks: -1,
          messages: [{ key: event.modelName, value: p.encode(event), timestamp: String(event.at) }],
        }),
      );
      log.info({ model: event.modelName, action: event.action, version: event.version }, 'model change announced');
    },
    async close() {
      if (ready === undefined) return;
      const p = await ready.catch(() => undefined);
      ready = undefined;
      await p?.producer.disconnect();
    },
  };
}
