/**
 * The serving role's Kafka I/O, behind the narrow interfaces of context.ts: a raw-bytes producer for dead-letter
 * replay (bytes are re-published exactly as they were received, so no codec is involved) and the readiness probe.
 * Both connect lazily, so the API starts (and reports "not ready") while Kafka is down.
 */
import type { Admin, Producer } from 'kafkajs';
import { createKafkaClient, type KafkaClientConfig } from '../../adapters/kafka/client.js';
import type { Logger } from '../../adapters/logger.js';
import type { RawPublisher, ReadinessProbe } from '../context.js';

export interface KafkaIo {
  readonly publisher: RawPublisher;
  readonly probe: ReadinessProbe;
  close(): Promise<void>;
}

export function createKafkaIo(config: KafkaClientConfig, logger: Logger): KafkaIo {
  const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'api', retries: 2 });
  let producer: Promise<Producer> | undefined;
  let admin: Promise<Admin> | undefined;
  const connected = <T extends { connect(): Promise<void> }>(client: T): Promise<T> =>
    client.connect().then(() => client);
  return {
    publisher: {
      async send(topic, key, value) {
        producer ??= connected(kafka.producer({ idempotent: true, maxInFlightRequests: 1 })).catch((error) => {
          producer = undefined;
          throw error;
        });
        const [meta] = await (await producer).send({ topic, acks: -1, messages: [{ key, value }] });
        return { partition: meta?.partition ?? -1, offset: meta?.baseOffset ?? '-1' };
      },
    },
    probe: {
      name: 'kafka',
      async check() {
        admin ??= connected(kafka.admin()).catch((error) => {
          admin = undefined;
          throw error;
        });
        await (await admin).describeCluster();
      },
    },
    async close() {
      await Promise.allSettled([producer?.then((p) => p.disconnect()), admin?.then((a) => a.disconnect())]);
    },
  };
}

/** The schema registry answers its Confluent API (GET /subjects). */
export function registryProbe(registry: { url: string; username?: string; password?: string }): ReadinessProbe {
  return {
    name: 'schema-registry',
    async check() {
      const headers: Record<string, string> = {};
      if (registry.username !== undefined && registry.password !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${registry.username}:${registry.password}`).toString('base64')}`;
      }
      const response = await fetch(`${registry.url}/subjects`, { headers, signal: AbortSignal.timeout(2_000) });
      if (!response.ok) throw new Error(`GET ${registry.url}/subjects answered ${response.status}`);
    },
  };
}
