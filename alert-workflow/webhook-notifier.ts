/**
 * Webhook notifications on alert open and close: one signed JSON POST per alert transition (escalations and
 * suppressed alerts are not sent), retried with jittered exponential backoff (core/retry.ts) on network errors,
 * timeouts, 5xx, 408 and 429; other 4xx answers are final (the receiver refuses the payload: retrying changes
 * nothing). Each delivery carries an idempotency key (alert id + state) so receivers can drop repeats: delivery
 * is at-least-once, like the alerts topic it follows.
 */
import type { AlertContributor, AlertSeverity, AlertState } from '../core/events/types.js';
import { type RetryPolicy, withRetry } from '../core/retry.js';
import { alertWorkflowError } from './errors.js';
import { SIGNATURE_HEADER, signPayload } from './webhook-signature.js';

export interface AlertNotice {
  readonly alertId: string;
  readonly stream: string;
  readonly key: string;
  readonly state: AlertState;
  readonly severity: AlertSeverity;
  readonly openedAt: number;
  readonly closedAt: number | null;
  readonly score: number;
  readonly modelName: string;
  readonly modelVersion: string;
  readonly contributors: readonly AlertContributor[];
}

export interface WebhookPayload {
  readonly type: 'alert.opened' | 'alert.closed';
  readonly idempotencyKey: string;
  readonly sentAt: number;
  readonly alert: AlertNotice;
}

export interface WebhookNotifierOptions {
  readonly url: string;
  readonly secret: string;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  /** Backoff (default 500 ms doubling up to 30 s). */
  readonly retry?: Partial<Omit<RetryPolicy, 'maxAttempts'>>;
  readonly clock?: () => number;
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  readonly onRetry?: (error: unknown, attempt: number, delayMs: number) => void;
  readonly fetch?: typeof fetch;
}

/**
 * Whether an alert record is notified: its opening (the record whose event is the opening one) and its close,
 * not the severity escalations in between.
 */
export function isNotified(alert: { state: AlertState; eventTime: number; openedAt: number }): boolean {
  return alert.state === 'closed' || alert.eventTime === alert.openedAt;
}

export interface Delivery {
  readonly attempts: number;
  readonly status: number;
}

const RETRIABLE_STATUS = new Set([408, 429]);

export class WebhookNotifier {
  readonly #o: WebhookNotifierOptions;
  readonly #policy: RetryPolicy;

  constructor(options: WebhookNotifierOptions) {
    this.#o = options;
    this.#policy = {
      initialDelayMs: 500,
      maxDelayMs: 30_000,
      multiplier: 2,
      ...options.retry,
      maxAttempts: options.maxAttempts,
    };
  }

  async notify(alert: AlertNotice, signal?: AbortSignal): Promise<Delivery> {
    const clock = this.#o.clock ?? Date.now;
    const type = alert.state === 'closed' ? 'alert.closed' : 'alert.opened';
    const payload: WebhookPayload = {
      type,
      idempotencyKey: `${alert.alertId}:${alert.state}`,
      sentAt: clock(),
      alert,
    };
    const body = JSON.stringify(payload);
    const doFetch = this.#o.fetch ?? fetch;
    let attempts = 0;
    return withRetry(
      async (attempt) => {
        attempts = attempt;
        // Signed per attempt: the timestamp must be fresh for receivers that bound signature age.
        const timestamp = clock();
        let response: Response;
        try {
          response = await doFetch(this.#o.url, {
            method: 'POST',
            headers: {
              'content-type': 'application/json',
              [SIGNATURE_HEADER]: signPayload(this.#o.secret, timestamp, body),
              'x-vigil-event': type,
              'idempotency-key': payload.idempotencyKey,
            },
            body,
            signal: AbortSignal.timeout(this.#o.timeoutMs),
          });
        } catch (error) {
          throw alertWorkflowError(
            'VIGIL_ALERT_WORKFLOW_WEBHOOK_FAILED',
            { url: this.#o.url, status: 'no answer', alertId: alert.alertId, hint: 'the request failed or timed out' },
            error,
          );
        }
        await response.body?.cancel();
        if (response.ok) return { attempts, status: response.status };
        const params = { url: this.#o.url, status: String(response.status), alertId: alert.alertId };
        if (response.status >= 500 || RETRIABLE_STATUS.has(response.status)) {
          throw alertWorkflowError('VIGIL_ALERT_WORKFLOW_WEBHOOK_FAILED', { ...params, hint: 'retrying with backoff' });
        }
        throw alertWorkflowError('VIGIL_ALERT_WORKFLOW_WEBHOOK_REJECTED', params);
      },
      this.#policy,
      {
        ...(this.#o.sleep ? { sleep: this.#o.sleep } : {}),
        ...(this.#o.onRetry ? { onRetry: this.#o.onRetry } : {}),
        ...(signal ? { signal } : {}),
      },
    );
  }
}
