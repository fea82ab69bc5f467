/**
 * Alerts: list (filter by asset, state, severity), one alert, acknowledge or resolve with a verdict (stored in
 * alert_acknowledgements for alert-quality figures), and the live feed (server-sent events).
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import {
  type AckAction,
  type AlertView,
  getAlert,
  listAlerts,
  recordAcknowledgement,
  VERDICTS,
  type Verdict,
} from '../queries/alerts.js';
import { errorResponses, limitParam } from '../schemas.js';
import { recordAudit } from './audit.js';

export const alertSchema = {
  type: 'object',
  properties: {
    alertId: { type: 'string' },
    stream: { type: 'string' },
    key: { type: 'string' },
    state: { type: 'string' },
    severity: { type: 'string' },
    openedAt: { type: 'integer' },
    closedAt: { type: ['integer', 'null'] },
    eventTime: { type: 'integer' },
    score: { type: 'number' },
    modelName: { type: 'string' },
    modelVersion: { type: 'string' },
    contributors: {
      type: 'array',
      items: {
        type: 'object',
        properties: {
          channel: { type: 'string' },
          value: { type: 'number' },
          normalLow: { type: 'number' },
          normalHigh: { type: 'number' },
          zScore: { type: 'number' },
        },
      },
    },
    version: { type: 'integer' },
    updatedAt: { type: 'integer' },
    ack: {
      type: ['object', 'null'],
      properties: {
        action: { type: 'string' },
        by: { type: 'string' },
        at: { type: 'integer' },
        verdict: { type: 'string' },
        comment: { type: 'string' },
      },
    },
  },
} as const;

const alertIdParams = {
  type: 'object',
  required: ['alertId'],
  properties: { alertId: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

export const alertsPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  const openStreams = new Set<() => void>();
  app.addHook('onClose', async () => {
    for (const close of openStreams) close();
  });

  app.get<{ Querystring: { assetId?: string; state?: string; severity?: string; limit: number } }>(
    '/v1/alerts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts, newest first, with their acknowledgement',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            assetId: { type: 'string', minLength: 1, maxLength: 128 },
            state: { type: 'string', enum: ['open', 'closed'] },
            severity: { type: 'string', enum: ['low', 'medium', 'high', 'critical'] },
            limit: limitParam(5_000, 200),
          },
        },
        response: {
          200: { type: 'object', properties: { alerts: { type: 'array', items: alertSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ alerts: await listAlerts(ctx.ch, request.query) }),
  );

  app.get<{ Params: { alertId: string } }>(
    '/v1/alerts/:alertId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'One alert',
        params: alertIdParams,
        response: { 200: alertSchema, ...errorResponses },
      },
    },
    async (request) => {
      const alert = await getAlert(ctx.ch, request.params.alertId);
      if (!alert) throw servingError('VIGIL_SERVING_NOT_FOUND', { what: `alert ${request.params.alertId}` });
      return alert;
    },
  );

  for (const action of ['acknowledge', 'resolve'] as const) {
    const stored: AckAction = action === 'acknowledge' ? 'acknowledged' : 'resolved';
    app.post<{ Params: { alertId: string }; Body: { verdict: Verdict; comment: string } }>(
      `/v1/alerts/:alertId/${action}`,
      {
        config: { permission: 'alerts.act' },
        schema: {
          tags: ['alerts'],
          summary: `${action === 'acknowledge' ? 'Acknowledge' : 'Resolve'} an alert with a verdict and a comment`,
          params: alertIdParams,
          body: {
            type: 'object',
            required: ['verdict'],
            additionalProperties: false,
            properties: {
              verdict: { type: 'string', enum: [...VERDICTS] },
              comment: { type: 'string', maxLength: 2_000, default: '' },
            },
          },
          response: { 200: alertSchema, ...errorResponses },
        },
      },
      async (request) => {
        const alert = await getAlert(ctx.ch, request.params.alertId);
        if (!alert) throw servingError('VIGIL_SERVING_NOT_FOUND', { what: `alert ${request.params.alertId}` });
        const p = request.principal!;
        const at = Math.max((ctx.now ?? Date.now)(), (alert.ack?.at ?? 0) + 1);
        await recordAcknowledgement(ctx.ch, alert, {
          action: stored,
          by: `${p.name || 'key'} (${p.keyId})`,
          at,
          verdict: request.body.verdict,
          comment: request.body.comment,
        });
        return (await getAlert(ctx.ch, alert.alertId)) as AlertView;
      },
    );
  }

  app.get(
    '/v1/live/alerts',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'Server-sent events: one "alert" event (JSON) per new or changed alert',
        produces: ['text/event-stream'],
      },
    },
    (request, reply) => {
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        'x-request-id': request.id,
      });
      res.write(': connected\n\n');
      const unsubscribe = ctx.alertFeed.subscribe((alert) => {
        res.write(`event: alert\nid: ${alert.alertId}:${alert.version}\ndata: ${JSON.stringify(alert)}\n\n`);
      });
      // Comments keep proxies from closing an idle stream.
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      keepAlive.unref();
      const close = () => {
        if (!openStreams.delete(close)) return;
        clearInterval(keepAlive);
        unsubscribe();
        res.end();
        // A hijacked reply skips onResponse: the stream's audit row is written when it ends.
        recordAudit(ctx, request, 200);
      };
      openStreams.add(close);
      request.raw.on('close', close);
    },
  );
};
