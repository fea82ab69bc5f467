/**
 * Relays alert openings and closes from the alerts topic to the webhook (WebhookNotifier). A consumer group of
 * its own (`vigil-notifier` by default), so notifications never slow the stream down and several processes share
 * the work. Suppressed alerts never reach the topic, and severity escalations are skipped (isNotified). Offsets
 * are committed after the delivery (at-least-once; receivers deduplicate on the Idempotency-Key header). A
 * delivery that still fails after its retries is logged with the alert id and counted, then skipped: one dead
 * receiver must not hold back every later notification.
 */
import type { Consumer } from 'kafkajs';
import { createKafkaClient } from '../adapters/kafka/client.js';
import { createEventCodec } from '../adapters/kafka/event-codec.js';
import { toKafkaError } from '../adapters/kafka/kafka-errors.js';
import type { Logger } from '../adapters/logger.js';
import { Counter, type Registry } from '../adapters/metrics.js';
import { createRegistryClient } from '../adapters/registry/client.js';
import type { Config } from '../core/config/index.js';
import { describeError } from '../core/errors.js';
import type { Alert } from '../core/events/types.js';
import { topicsFromConfig } from '../core/topics.js';
import { isNotified, WebhookNotifier } from './webhook-notifier.js';

export interface RelayOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly metrics?: Registry;
  readonly groupId?: string;
  /** Read the topic from its start (tests); default: from the group's committed offset, else the end. */
  readonly fromBeginning?: boolean;
  readonly notifier?: WebhookNotifier;
}

export class NotificationRelay {
  readonly #o: RelayOptions;
  readonly #log: Logger;
  readonly #notifier: WebhookNotifier;
  readonly #delivered: Counter<'outcome' | 'type'>;
  #consumer: Consumer | undefined;

  constructor(options: RelayOptions) {
    const { alertWorkflow: w } = options.config;
    if (w.webhookUrl === undefined || w.webhookSecret === undefined) {
      throw new Error('NotificationRelay needs VIGIL_WEBHOOK_URL and VIGIL_WEBHOOK_SECRET (check before creating it)');
    }
    this.#o = options;
    this.#log = options.logger.child({ component: 'notifier' });
    this.#notifier =
      options.notifier ??
      new WebhookNotifier({
        url: w.webhookUrl,
        secret: w.webhookSecret,
        maxAttempts: w.webhookMaxAttempts,
        timeoutMs: w.webhookTimeoutMs,
        onRetry: (error, attempt, delayMs) =>
          this.#log.warn({ attempt, delayMs, err: describeError(error) }, 'webhook delivery failed; retrying'),
      });
    this.#delivered = new Counter({
      name: 'vigil_alert_workflow_notifications_total',
      help: 'Webhook notifications by outcome (delivered, failed, undecodable) and type (opened, closed)',
      labelNames: ['outcome', 'type'],
      registers: options.metrics ? [options.metrics] : [],
    });
  }

  async start(): Promise<void> {
    const { config } = this.#o;
    const topic = topicsFromConfig(config).alerts.name;
    const codec = createEventCodec('alert', createRegistryClient(config));
    const kafka = createKafkaClient(config, this.#o.logger, { clientIdSuffix: 'notifier' });
    this.#consumer = kafka.consumer({ groupId: this.#o.groupId ?? 'vigil-notifier' });
    try {
      await this.#consumer.connect();
      await this.#consumer.subscribe({ topic, fromBeginning: this.#o.fromBeginning ?? false });
    } catch (error) {
      throw toKafkaError(error, { operation: 'starting the webhook notifier', brokers: config.kafka.brokers });
    }
    await this.#consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value === null) return;
        let alert: Alert;
        try {
          alert = (await codec.decode(message.value)) as Alert;
        } catch (error) {
          this.#delivered.inc({ outcome: 'undecodable', type: 'unknown' });
          this.#log.error({ offset: message.offset, err: describeError(error) }, 'unreadable alert record skipped');
          return;
        }
        if (!isNotified(alert)) return;
        const type = alert.state === 'closed' ? 'closed' : 'opened';
        try {
          await this.#notifier.notify(alert);
          this.#delivered.inc({ outcome: 'delivered', type });
        } catch (error) {
          this.#delivered.inc({ outcome: 'failed', type });
          this.#log.error(
            { alertId: alert.alertId, key: alert.key, state: alert.state, err: describeError(error) },
            'webhook notification given up after its retries',
          );
        }
      },
    });
    this.#log.info({ topic, url: redact(config.alertWorkflow.webhookUrl!) }, 'webhook notifier started');
  }

  async stop(): Promise<void> {
    await this.#consumer?.disconnect();
  }
}

/** The URL without credentials or query (tokens often live there). */
function redact(url: string): string {
  const u = new URL(url);
  return `${u.protocol}//${u.host}${u.pathname}`;
}
