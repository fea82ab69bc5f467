/**
 * Every protected route x every role from one table: no key -> 401, a role the permission table does not list ->
 * 403, an allowed role -> the route's own answer. Then: every one of those calls left an audit row; expired and
 * revoked keys are refused; per-key rate limits; body and upload size limits; validation errors name the field;
 * an internal error never shows its stack to the client.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseApiKey } from '../../serving/keys/api-key.js';
import { type Permission, ROLES, type Role, rolesFor } from '../../serving/permissions.js';
import { waitFor } from '../helpers/wait.js';
import { auth, openServingFixture, pumpReadings, type ServingFixture } from './serving-fixture.js';

interface RouteCase {
  readonly method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  readonly url: string;
  /** The route pattern it exercises (fastify's routeOptions.url). */
  readonly route: string;
  readonly permission: Permission;
  readonly body?: unknown;
  readonly csv?: string;
  /** Status for an allowed role (404/503 where the object or dependency does not exist in this test). */
  readonly ok: number;
}

const readings = pumpReadings(1).slice(0, 20);
const sequence = {
  assetId: readings[0]!.assetId,
  assetType: 'pump',
  readings: readings.map((r) => ({ eventId: r.eventId, eventTime: r.eventTime, channels: r.channels })),
};
const csv = `asset_id,asset_type,event_time,flow\npump-x,pump,2026-01-05T08:00:00Z,10\n`;

const CASES: RouteCase[] = [
  { method: 'GET', url: '/v1/me', route: '/v1/me', permission: 'self', ok: 200 },
  { method: 'POST', url: '/v1/score', route: '/v1/score', permission: 'score', body: sequence, ok: 200 },
  {
    method: 'POST',
    url: '/v1/score/batch',
    route: '/v1/score/batch',
    permission: 'score',
    body: { readings },
    ok: 200,
  },
  { method: 'POST', url: '/v1/score/file', route: '/v1/score/file', permission: 'score', csv, ok: 200 },
  { method: 'GET', url: '/v1/inferences?assetId=pump-x', route: '/v1/inferences', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/inferences/nope', route: '/v1/inferences/:inferenceId', permission: 'read', ok: 404 },
  { method: 'GET', url: '/v1/alerts?state=open', route: '/v1/alerts', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/alerts/nope', route: '/v1/alerts/:alertId', permission: 'read', ok: 404 },
  {
    method: 'POST',
    url: '/v1/alerts/nope/acknowledge',
    route: '/v1/alerts/:alertId/acknowledge',
    permission: 'alerts.act',
    body: { verdict: 'real_fault', comment: 'x' },
    ok: 404,
  },
  {
    method: 'POST',
    url: '/v1/alerts/nope/resolve',
    route: '/v1/alerts/:alertId/resolve',
    permission: 'alerts.act',
    body: { verdict: 'false_alarm' },
    ok: 404,
  },
  { method: 'GET', url: '/v1/assets', route: '/v1/assets', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/assets/pump-x/series', route: '/v1/assets/:assetId/series', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/dead-letters', route: '/v1/dead-letters', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/drift?window=1h&latest=true', route: '/v1/drift', permission: 'read', ok: 200 },
  {
    method: 'POST',
    url: '/v1/dead-letters/t/0/1/replay',
    route: '/v1/dead-letters/:topic/:partition/:offset/replay',
    permission: 'dead-letters.replay',
    ok: 503,
  },
  { method: 'GET', url: '/v1/models', route: '/v1/models', permission: 'read', ok: 200 },
  {
    method: 'GET',
    url: '/v1/models/sensors-pump/versions/1',
    route: '/v1/models/:name/versions/:version',
    permission: 'read',
    ok: 503,
  },
  {
    method: 'GET',
    url: '/v1/models/sensors-pump/history',
    route: '/v1/models/:name/history',
    permission: 'read',
    ok: 503,
  },
  {
    method: 'GET',
    url: '/v1/models/sensors-pump/comparison',
    route: '/v1/models/:name/comparison',
    permission: 'read',
    ok: 200,
  },
  ...(['promote', 'shadow', 'rollback'] as const).map(
    (action): RouteCase => ({
      method: 'POST',
      url: `/v1/models/sensors-pump/${action}`,
      route: `/v1/models/:name/${action}`,
      permission: 'models.change',
      body: { version: '2', reason: 'better recall on the held-out faults' },
      ok: 503,
    }),
  ),
  { method: 'GET', url: '/v1/audit', route: '/v1/audit', permission: 'audit.read', ok: 200 },
  { method: 'POST', url: '/v1/ingest', route: '/v1/ingest', permission: 'ingest', body: { readings }, ok: 503 },
  // Alert workflow (serving/plugins/alert-workflow.ts)
  { method: 'GET', url: '/v1/thresholds', route: '/v1/thresholds', permission: 'read', ok: 200 },
  { method: 'GET', url: '/v1/thresholds/history', route: '/v1/thresholds/history', permission: 'read', ok: 200 },
  {
    method: 'PUT',
    url: '/v1/thresholds/asset/pump-x',
    route: '/v1/thresholds/:level/:target',
    permission: 'thresholds.change',
    body: { threshold: 3, reason: 'access test' },
    ok: 200,
  },
  {
    method: 'DELETE',
    url: '/v1/thresholds/asset/pump-x?reason=access%20test',
    route: '/v1/thresholds/:level/:target',
    permission: 'thresholds.change',
    ok: 200,
  },
  { method: 'GET', url: '/v1/maintenance-windows', route: '/v1/maintenance-windows', permission: 'read', ok: 200 },
  {
    method: 'POST',
    url: '/v1/maintenance-windows',
    route: '/v1/maintenance-windows',
    permission: 'maintenance.change',
    body: { assetId: 'pump-x', endsAt: Date.now() + 3_600_000, reason: 'access test' },
    ok: 201,
  },
  {
    method: 'POST',
    url: '/v1/maintenance-windows/nope/end',
    route: '/v1/maintenance-windows/:windowId/end',
    permission: 'maintenance.change',
    ok: 404,
  },
  {
    method: 'GET',
    url: '/v1/alerts/nope/explanation',
    route: '/v1/alerts/:alertId/explanation',
    permission: 'read',
    ok: 404,
  },
  { method: 'GET', url: '/v1/alert-quality', route: '/v1/alert-quality', permission: 'read', ok: 200 },
];

function multipart(text: string) {
  const boundary = '----vigiltest';
  const payload =
    `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="r.csv"\r\nContent-Type: text/csv\r\n\r\n` +
    `${text}\r\n--${boundary}--\r\n`;
  return { payload, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

/** A multipart upload with the viewer's key. */
function withKey(upload: ReturnType<typeof multipart>) {
  return { payload: upload.payload, headers: { ...upload.headers, ...auth(fx.keys.viewer) } };
}

let fx: ServingFixture;
beforeAll(async () => {
  fx = await openServingFixture();
});
afterAll(async () => {
  await fx?.close();
});

async function call(c: RouteCase, token: string | undefined) {
  const headers: Record<string, string> = token ? auth(token) : {};
  if (c.csv !== undefined) {
    const m = multipart(c.csv);
    return fx.server.app.inject({
      method: c.method,
      url: c.url,
      payload: m.payload,
      headers: { ...headers, ...m.headers },
    });
  }
  return fx.server.app.inject({
    method: c.method,
    url: c.url,
    headers: c.body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    ...(c.body === undefined ? {} : { payload: JSON.stringify(c.body) }),
  });
}

describe('route x role', () => {
  it('covers every protected route of the app in the table', () => {
    const protectedRoutes = fx.server.app.vigilRoutes
      .filter((r) => r.permission !== undefined && r.url !== '/v1/live/alerts')
      .map((r) => `${r.method} ${r.url} ${r.permission}`)
      .sort();
    const table = CASES.map((c) => `${c.method} ${c.route} ${c.permission}`).sort();
    expect(table).toEqual(protectedRoutes);
  });

  const requestIds: string[] = [];

  for (const c of CASES) {
    it(`${c.method} ${c.route}: 401 without a key, 403 for roles outside [${rolesFor(c.permission)}], ${c.ok} for the rest`, async () => {
      const anonymous = await call(c, undefined);
      expect(anonymous.statusCode).toBe(401);
      expect(anonymous.json().code).toBe('VIGIL_SERVING_UNAUTHENTICATED');
      requestIds.push(anonymous.headers['x-request-id'] as string);
      for (const role of ROLES) {
        const response = await call(c, fx.keys[role]);
        requestIds.push(response.headers['x-request-id'] as string);
        const allowed = (rolesFor(c.permission) as readonly Role[]).includes(role);
        if (allowed) {
          expect(response.statusCode, `${role}: ${response.body}`).toBe(c.ok);
        } else {
          expect(response.statusCode, role).toBe(403);
          expect(response.json().code).toBe('VIGIL_SERVING_FORBIDDEN');
        }
      }
    });
  }

  it('wrote one audit row per call, with key id, role, route and status', async () => {
    await fx.server.ctx.audit.flush();
    const rows = await fx.tch.ch.query<{
      request_id: string;
      api_key_id: string;
      role: string;
      status: number;
      route: string;
    }>('SELECT request_id, api_key_id, role, status, route FROM api_audit');
    const byRequest = new Map(rows.map((r) => [r.request_id, r]));
    expect(requestIds.length).toBe(CASES.length * (ROLES.length + 1));
    for (const id of requestIds) expect(byRequest.has(id), id).toBe(true);
    const adminMe = rows.find((r) => r.api_key_id === fx.keyIds.admin && r.route === '/v1/me');
    expect(adminMe).toMatchObject({ role: 'admin', status: 200 });
    expect(rows.filter((r) => r.status === 401 && r.api_key_id === '').length).toBe(CASES.length);
  });
});

describe('keys', () => {
  it('refuses a malformed, an unknown, a revoked and an expired key with 401', async () => {
    const me = (token: string) => fx.server.app.inject({ method: 'GET', url: '/v1/me', headers: auth(token) });
    expect((await me('not-a-key')).statusCode).toBe(401);
    const unknown = fx.keys.viewer.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
    expect((await me(unknown)).json().message).toContain('unknown key');

    const store = fx.server.ctx.keys;
    const revoked = await store.create({ role: 'viewer', name: 'to revoke', createdBy: 'test' });
    expect((await me(revoked.token)).statusCode).toBe(200);
    await store.revoke(revoked.record.id);
    const afterRevoke = await me(revoked.token);
    expect(afterRevoke.statusCode).toBe(401);
    expect(afterRevoke.json().message).toContain('revoked');

    const expired = await store.create({ role: 'viewer', name: 'short', createdBy: 'test', expiresAt: Date.now() - 1 });
    const afterExpiry = await me(expired.token);
    expect(afterExpiry.statusCode).toBe(401);
    expect(afterExpiry.json().message).toContain('expired');
  });

  it('stores only a hash of the secret', async () => {
    const rows = await fx.tch.ch.query<{ hash: string; prefix: string }>('SELECT hash, prefix FROM api_keys FINAL');
    for (const token of Object.values(fx.keys)) {
      // The whole secret: it is base64url, so it may hold '_' itself (splitting the token on '_' cut it short,
      // sometimes to '', which every hash "includes").
      const secret = parseApiKey(token)!.secret;
      expect(secret).toHaveLength(43);
      expect(rows.some((r) => r.hash.includes(secret))).toBe(false);
      expect(rows.some((r) => token.startsWith(`vgl_${r.prefix}_`))).toBe(true);
    }
  });
});

describe('limits and errors', () => {
  it('names the invalid field in a validation error', async () => {
    const response = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: auth(fx.keys.viewer),
      payload: { assetId: 'p', readings: [{ eventTime: 1, channels: {} }] },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VIGIL_SERVING_VALIDATION');
    expect(response.json().message).toContain('assetType');
  });

  it('answers 400 for a time range beyond the maximum', async () => {
    const response = await fx.server.app.inject({
      method: 'GET',
      url: '/v1/inferences?assetId=p&from=2020-01-01&to=2026-01-01',
      headers: auth(fx.keys.viewer),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().code).toBe('VIGIL_SERVING_RANGE_TOO_LARGE');
  });

  it('never shows a stack trace: an internal failure is a 500 with a code and the request id', async () => {
    fx.server.ctx.models.set('compressor', [
      {
        name: 'broken',
        version: '1',
        role: 'production',
        threshold: 1,
        featureSetHash: '',
        scorer: {
          scoreBatch: async () => {
            throw new Error('secret internal detail at /srv/model.ts:12');
          },
        },
      },
    ]);
    const start = Date.UTC(2026, 0, 5);
    const compressor = Array.from({ length: 120 }, (_, i) => ({
      eventTime: start + i * 1000,
      channels: {
        speed: 1000 + i,
        discharge_pressure: 5,
        inlet_temp: 20,
        outlet_temp: 60,
        motor_current: 30,
        vibration_rms: 2,
      },
    }));
    const response = await fx.server.app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: auth(fx.keys.viewer),
      payload: { assetId: 'c1', assetType: 'compressor', readings: compressor },
    });
    fx.server.ctx.models.set('compressor', []);
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body.code).toBe('VIGIL_SERVING_INTERNAL');
    expect(body.requestId).toBe(response.headers['x-request-id']);
    expect(response.body).not.toContain('secret');
    expect(response.body).not.toMatch(/\bat \//);
  });

  it('sets security headers, a CSP among them, on every kind of answer', async () => {
    const answers = [
      await fx.server.app.inject({ method: 'GET', url: '/healthz' }),
      await fx.server.app.inject({ method: 'GET', url: '/v1/me' }),
      await fx.server.app.inject({
        method: 'POST',
        url: '/v1/score',
        headers: auth(fx.keys.viewer),
        payload: sequence,
      }),
      await fx.server.app.inject({
        method: 'POST',
        url: '/v1/score/file',
        ...withKey(multipart(csv)),
      }),
    ];
    expect(answers.map((r) => r.statusCode)).toEqual([200, 401, 200, 200]);
    for (const response of answers) {
      expect(response.headers['content-security-policy']).toContain("default-src 'self'");
      expect(response.headers['x-content-type-options']).toBe('nosniff');
      expect(response.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(response.headers['strict-transport-security']).toBeDefined();
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });

  it('takes a multipart body only on the file route (415 on the JSON routes)', async () => {
    for (const url of ['/v1/score', '/v1/score/batch']) {
      const response = await fx.server.app.inject({
        method: 'POST',
        url,
        ...withKey(multipart(csv)),
      });
      expect(response.statusCode).toBe(415);
      expect(response.json().code).toBe('VIGIL_SERVING_UNSUPPORTED_MEDIA');
    }
  });

  it('serves the OpenAPI document generated from the route schemas', async () => {
    const response = await fx.server.app.inject({ method: 'GET', url: '/docs/json' });
    expect(response.statusCode).toBe(200);
    const doc = response.json();
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/score', '/v1/alerts/{alertId}/acknowledge']));
    expect(doc.paths['/v1/score'].post.requestBody.content['application/json'].schema.required).toContain('readings');
  });
});

describe('limits with small settings', () => {
  let small: ServingFixture;
  beforeAll(async () => {
    small = await openServingFixture({
      VIGIL_API_RATE_LIMIT: '3',
      VIGIL_API_RATE_WINDOW: '1h',
      VIGIL_API_BODY_LIMIT: '8000',
      VIGIL_API_UPLOAD_LIMIT: '1000',
      // Nothing is written before close: the shutdown test sees every row still buffered.
      VIGIL_API_AUDIT_FLUSH: '1h',
    });
  });
  afterAll(async () => {
    await small?.close();
  });

  it('limits requests per key with 429, leaving other keys alone', async () => {
    const me = (token: string) => small.server.app.inject({ method: 'GET', url: '/v1/me', headers: auth(token) });
    for (let i = 0; i < 3; i++) expect((await me(small.keys.viewer)).statusCode).toBe(200);
    const limited = await me(small.keys.viewer);
    expect(limited.statusCode).toBe(429);
    expect(limited.json().code).toBe('VIGIL_SERVING_RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await me(small.keys.operator)).statusCode).toBe(200);
    // Public probes are not limited.
    for (let i = 0; i < 5; i++)
      expect((await small.server.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('refuses a JSON body above VIGIL_API_BODY_LIMIT with 413', async () => {
    const response = await small.server.app.inject({
      method: 'POST',
      url: '/v1/score/batch',
      headers: { ...auth(small.keys.admin), 'content-type': 'application/json' },
      payload: JSON.stringify({ readings: pumpReadings(2) }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().code).toBe('VIGIL_SERVING_BODY_TOO_LARGE');
  });

  it('refuses an upload above VIGIL_API_UPLOAD_LIMIT with 413', async () => {
    const rows = Array.from({ length: 200 }, (_, i) => `pump-x,pump,${Date.UTC(2026, 0, 1) + i * 1000},${i}`);
    const m = multipart(`asset_id,asset_type,event_time,flow\n${rows.join('\n')}\n`);
    const response = await small.server.app.inject({
      method: 'POST',
      url: '/v1/score/file',
      headers: { ...auth(small.keys.operator), ...m.headers },
      payload: m.payload,
    });
    expect(response.statusCode, response.body).toBe(413);
    expect(response.json().code).toBe('VIGIL_SERVING_BODY_TOO_LARGE');
  });

  it('writes every buffered audit and inference row on close (none lost on a clean shutdown)', async () => {
    const ids = new Set<string>();
    for (let i = 0; i < 3; i++) {
      const r = await small.server.app.inject({ method: 'GET', url: '/v1/me', headers: auth(small.keys.ingest) });
      ids.add(r.headers['x-request-id'] as string);
    }
    const scored = await small.server.app.inject({
      method: 'POST',
      url: '/v1/score',
      headers: auth(small.keys.admin),
      payload: sequence,
    });
    expect(scored.statusCode, scored.body).toBe(200);
    const produced = (scored.json().rows as { scores: unknown[] }[]).flatMap((r) => r.scores).length;
    expect(small.server.ctx.inferenceRows.pending).toBe(produced);
    expect(small.server.ctx.audit.pending).toBeGreaterThanOrEqual(4);
    await small.server.close();
    const rows = await small.tch.ch.query<{ request_id: string }>('SELECT request_id FROM api_audit');
    for (const id of ids) expect(rows.some((r) => r.request_id === id)).toBe(true);
    const inferences = await small.tch.ch.query<{ n: string }>(
      'SELECT count() AS n FROM inferences FINAL WHERE request_id = {r:String}',
      { r: scored.headers['x-request-id'] as string },
    );
    expect(Number(inferences[0]!.n)).toBe(produced);
    expect(small.server.ctx.audit.pending).toBe(0);
    await waitFor(() => small.server.ctx.audit.pending === 0, { description: 'audit drained', timeoutMs: 1000 });
  });
});
