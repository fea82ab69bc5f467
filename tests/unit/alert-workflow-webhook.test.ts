import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type AlertNotice, isNotified, WebhookNotifier } from '../../alert-workflow/webhook-notifier.js';
import { SIGNATURE_HEADER, signPayload, verifySignature } from '../../alert-workflow/webhook-signature.js';
import { isVigilError } from '../../core/errors.js';

const SECRET = 'a-shared-secret-of-32-characters';
const ALERT: AlertNotice = {
  alertId: 'alert-1',
  stream: 'sensors',
  key: 'pump-01',
  state: 'open',
  severity: 'high',
  openedAt: 1_700_000_000_000,
  closedAt: null,
  score: 3.2,
  modelName: 'sensors-pump',
  modelVersion: '3',
  contributors: [{ channel: 'bearing_temp_c', value: 92, normalLow: 40, normalHigh: 70, zScore: 6.1 }],
};

interface Received {
  headers: IncomingMessage['headers'];
  body: string;
}

/** A local receiver answering with the given statuses in turn (the last one repeats). */
async function receiver(statuses: number[]): Promise<{ url: string; received: Received[]; server: Server }> {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      received.push({ headers: req.headers, body });
      res.statusCode = statuses[Math.min(received.length - 1, statuses.length - 1)]!;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received, server };
}

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

function notifier(url: string, maxAttempts: number, delays: number[] = []) {
  return new WebhookNotifier({
    url,
    secret: SECRET,
    maxAttempts,
    timeoutMs: 2_000,
    clock: () => 1_700_000_000_500,
    // Backoff delays are recorded, not waited: the test checks the policy, not the clock.
    sleep: async (ms) => {
      delays.push(ms);
    },
  });
}

describe('webhook signature', () => {
  it('verifies its own signature and rejects a changed body, another secret and an old timestamp', () => {
    const body = '{"a":1}';
    const header = signPayload(SECRET, 1000, body);
    expect(verifySignature(SECRET, header, body, 1000)).toEqual({ ok: true });
    expect(verifySignature(SECRET, header, '{"a":2}', 1000)).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifySignature('another-secret-of-enough-length', header, body, 1000)).toEqual({
      ok: false,
      reason: 'mismatch',
    });
    expect(verifySignature(SECRET, header, body, 1000 + 10 * 60_000)).toEqual({ ok: false, reason: 'expired' });
    expect(verifySignature(SECRET, 'garbage', body, 1000)).toEqual({ ok: false, reason: 'malformed' });
    expect(verifySignature(SECRET, undefined, body, 1000)).toEqual({ ok: false, reason: 'malformed' });
  });
});

describe('webhook notifier', () => {
  it('posts a signed payload the receiver can verify', async () => {
    const r = await receiver([204]);
    const delivery = await notifier(r.url, 3).notify(ALERT);
    expect(delivery).toEqual({ attempts: 1, status: 204 });
    expect(r.received).toHaveLength(1);
    const got = r.received[0]!;
    const header = got.headers[SIGNATURE_HEADER] as string;
    expect(verifySignature(SECRET, header, got.body, 1_700_000_000_500)).toEqual({ ok: true });
    const payload = JSON.parse(got.body);
    expect(payload.type).toBe('alert.opened');
    expect(payload.idempotencyKey).toBe('alert-1:open');
    expect(payload.alert.contributors[0].channel).toBe('bearing_temp_c');
    expect(got.headers['idempotency-key']).toBe('alert-1:open');
  });

  it('retries 5xx and 429 with growing backoff until the receiver accepts', async () => {
    const r = await receiver([503, 500, 429, 200]);
    const delays: number[] = [];
    const delivery = await notifier(r.url, 6, delays).notify({
      ...ALERT,
      state: 'closed',
      closedAt: ALERT.openedAt + 60_000,
    });
    expect(delivery).toEqual({ attempts: 4, status: 200 });
    expect(r.received).toHaveLength(4);
    expect(delays).toHaveLength(3);
    // Full jitter within [0.5, 1] of 500, 1000, 2000 ms.
    expect(delays[0]).toBeGreaterThanOrEqual(250);
    expect(delays[0]).toBeLessThanOrEqual(500);
    expect(delays[2]).toBeGreaterThanOrEqual(1000);
    expect(delays[2]).toBeLessThanOrEqual(2000);
    expect(new Set(r.received.map((x) => x.body)).size).toBe(1);
    expect(JSON.parse(r.received[0]!.body).type).toBe('alert.closed');
    for (const x of r.received) {
      expect(verifySignature(SECRET, x.headers[SIGNATURE_HEADER] as string, x.body, 1_700_000_000_500).ok).toBe(true);
    }
  });

  it('gives up after maxAttempts with a retriable error naming the URL', async () => {
    const r = await receiver([502]);
    const error = await notifier(r.url, 3)
      .notify(ALERT)
      .catch((e: unknown) => e);
    expect(r.received).toHaveLength(3);
    expect(isVigilError(error) && error.code).toBe('VIGIL_ALERT_WORKFLOW_WEBHOOK_FAILED');
    expect(String((error as Error).message)).toContain(r.url);
  });

  it('does not retry a 4xx refusal', async () => {
    const r = await receiver([401]);
    const error = await notifier(r.url, 5)
      .notify(ALERT)
      .catch((e: unknown) => e);
    expect(r.received).toHaveLength(1);
    expect(isVigilError(error) && error.code).toBe('VIGIL_ALERT_WORKFLOW_WEBHOOK_REJECTED');
  });

  it('retries an unreachable receiver', async () => {
    const r = await receiver([200]);
    await new Promise((resolve) => r.server.close(resolve));
    const delays: number[] = [];
    const error = await notifier(r.url, 2, delays)
      .notify(ALERT)
      .catch((e: unknown) => e);
    expect(delays).toHaveLength(1);
    expect(isVigilError(error) && error.code).toBe('VIGIL_ALERT_WORKFLOW_WEBHOOK_FAILED');
  });

  it('notifies openings and closes, not severity escalations', () => {
    expect(isNotified({ state: 'open', eventTime: 5, openedAt: 5 })).toBe(true);
    expect(isNotified({ state: 'open', eventTime: 9, openedAt: 5 })).toBe(false);
    expect(isNotified({ state: 'closed', eventTime: 9, openedAt: 5 })).toBe(true);
  });
});
