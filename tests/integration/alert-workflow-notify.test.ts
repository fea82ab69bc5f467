import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { NotificationRelay } from '../../alert-workflow/notification-relay.js';
import { SIGNATURE_HEADER, verifySignature } from '../../alert-workflow/webhook-signature.js';
import { loadConfig } from '../../core/config/index.js';
import type { Alert } from '../../core/events/types.js';
import { topicsFromConfig } from '../../core/topics.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitFor } from '../helpers/wait.js';

const SECRET = 'integration-secret-0123456789';
const received: { body: string; signature: string }[] = [];
let calls = 0;
let server: Server;
let url: string;

beforeAll(async () => {
  // The receiver fails the first call (503): the relay must retry, then deliver.
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      calls++;
      if (calls === 1) {
        res.statusCode = 503;
        return res.end();
      }
      received.push({ body, signature: String(req.headers[SIGNATURE_HEADER]) });
      res.statusCode = 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
});

function alert(id: string, state: 'open' | 'closed', eventTime: number): Alert {
  return {
    alertId: id,
    stream: 'sensors',
    key: 'pump-01',
    state,
    severity: 'high',
    openedAt: 1_000,
    closedAt: state === 'closed' ? eventTime : null,
    eventTime,
    score: 3,
    modelName: 'sensors-pump',
    modelVersion: '1',
    contributors: [{ channel: 'bearing_temp_c', value: 90, normalLow: 40, normalHigh: 70, zScore: 5 }],
  };
}

describe('webhook notification relay', () => {
  it('posts signed notifications for alert openings and closes from the alerts topic, retrying a failing receiver', async () => {
    const { env } = await freshKafkaEnv();
    const config = loadConfig({
      ...env,
      VIGIL_WEBHOOK_URL: url,
      VIGIL_WEBHOOK_SECRET: SECRET,
      VIGIL_WEBHOOK_MAX_ATTEMPTS: '5',
    });
    const topic = topicsFromConfig(config).alerts.name;
    const registry = createRegistryClient(config);
    const schemaId = await registry.lookupId(`${topic}-value`, 'alert', readSchemaFile('alert'));
    const codec = createEventCodec('alert', registry, { schemaId });
    const producer = createKafkaClient(config, createLogger('warn'), { clientIdSuffix: 'test' }).producer();
    await producer.connect();
    // opened, escalated (not notified), closed
    const records = [alert('a-1', 'open', 1_000), alert('a-1', 'open', 2_000), alert('a-1', 'closed', 3_000)];
    await producer.send({ topic, messages: records.map((a) => ({ key: a.key, value: codec.encode(a) })) });
    await producer.disconnect();

    const relay = new NotificationRelay({
      config,
      logger: createLogger('warn'),
      metrics: createMetricsRegistry(),
      groupId: uniqueName('notifier'),
      fromBeginning: true,
    });
    await relay.start();
    try {
      await waitFor(() => received.length >= 2, { timeoutMs: 60_000, description: 'two webhook deliveries' });
    } finally {
      await relay.stop();
    }
    expect(calls).toBe(3);
    const types = received.map((r) => JSON.parse(r.body).type);
    expect(types).toEqual(['alert.opened', 'alert.closed']);
    for (const r of received) {
      const t = Number(/t=(\d+)/.exec(r.signature)?.[1]);
      expect(verifySignature(SECRET, r.signature, r.body, t)).toEqual({ ok: true });
      expect(verifySignature('wrong-secret-0123456789', r.signature, r.body, t).ok).toBe(false);
    }
    expect(JSON.parse(received[0]!.body).alert.contributors[0].channel).toBe('bearing_temp_c');
  });
});
