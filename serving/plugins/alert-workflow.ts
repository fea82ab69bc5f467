/**
 * Alert workflow routes (alert-workflow/): threshold overrides by asset type and asset (audited), maintenance
 * windows, one alert explained (contributing channels against their normal band + the most similar past incidents
 * with verdicts and notes), and alert quality figures. Processors apply threshold and window changes within
 * VIGIL_ALERT_RULES_REFRESH.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import { alertQuality } from '../../alert-workflow/alert-quality.js';
import { pastIncidents } from '../../alert-workflow/incident-history.js';
import {
  AlertRulesStore,
  OPERATING_MODES,
  type OperatingMode,
  THRESHOLD_LEVELS,
  type ThresholdLevel,
} from '../../alert-workflow/index.js';
import { similarIncidents } from '../../alert-workflow/similar-incidents.js';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { getAlert } from '../queries/alerts.js';
import { epochMsInput, errorResponses } from '../schemas.js';
import { alertSchema } from './alerts.js';

const stream = { type: 'string', enum: ['sensors', 'orders'], default: 'sensors' } as const;
const text = { type: 'string', minLength: 1, maxLength: 1000 } as const;
const target = { type: 'string', minLength: 1, maxLength: 128 } as const;

const overrideSchema = {
  type: 'object',
  properties: {
    stream: { type: 'string' },
    level: { type: 'string' },
    target: { type: 'string' },
    threshold: { type: 'number' },
    setBy: { type: 'string' },
    setAt: { type: 'integer' },
    reason: { type: 'string' },
    cleared: { type: 'boolean' },
    previous: { type: ['number', 'null'] },
  },
} as const;

const windowSchema = {
  type: 'object',
  properties: {
    windowId: { type: 'string' },
    stream: { type: 'string' },
    key: { type: 'string' },
    mode: { type: 'string' },
    startsAt: { type: 'integer' },
    endsAt: { type: 'integer' },
    reason: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'integer' },
    endedBy: { type: 'string' },
  },
} as const;

const nullableNumber = { type: ['number', 'null'] } as const;
const qualityFigures = {
  alerts: { type: 'integer' },
  suppressed: { type: 'integer' },
  alertsPerDay: { type: 'number' },
  reviewed: { type: 'integer' },
  realFaults: { type: 'integer' },
  falseAlarms: { type: 'integer' },
  precision: nullableNumber,
} as const;

const actor = (request: FastifyRequest) => `api:${request.principal?.name ?? 'unknown'}`;

export const alertWorkflowPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  const now = ctx.now ?? Date.now;
  const store = new AlertRulesStore(ctx.ch, now);

  app.get<{ Querystring: { stream: string } }>(
    '/v1/thresholds',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Threshold overrides in force (the fleet level is each model card threshold)',
        querystring: { type: 'object', additionalProperties: false, properties: { stream } },
        response: {
          200: { type: 'object', properties: { overrides: { type: 'array', items: overrideSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ overrides: await store.thresholdOverrides(request.query.stream) }),
  );

  app.get<{ Querystring: { stream: string; target?: string } }>(
    '/v1/thresholds/history',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Audit trail of threshold changes, newest first',
        querystring: { type: 'object', additionalProperties: false, properties: { stream, target } },
        response: {
          200: { type: 'object', properties: { changes: { type: 'array', items: overrideSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ changes: await store.thresholdHistory(request.query.stream, request.query.target) }),
  );

  const levelParams = {
    type: 'object',
    required: ['level', 'target'],
    properties: { level: { type: 'string', enum: [...THRESHOLD_LEVELS] }, target },
  } as const;

  app.put<{
    Params: { level: ThresholdLevel; target: string };
    Body: { stream: string; threshold: number; reason: string };
  }>(
    '/v1/thresholds/:level/:target',
    {
      config: { permission: 'thresholds.change' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Set the threshold of an asset or an asset type (audited; processors apply it without restart)',
        params: levelParams,
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['threshold', 'reason'],
          properties: { stream, threshold: { type: 'number' }, reason: text },
        },
        response: { 200: overrideSchema, ...errorResponses },
      },
    },
    async (request) =>
      store.setThreshold({
        stream: request.body.stream,
        level: request.params.level,
        target: request.params.target,
        threshold: request.body.threshold,
        reason: request.body.reason,
        setBy: actor(request),
      }),
  );

  app.delete<{ Params: { level: ThresholdLevel; target: string }; Querystring: { stream: string; reason: string } }>(
    '/v1/thresholds/:level/:target',
    {
      config: { permission: 'thresholds.change' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Remove an override (the level above applies again; audited)',
        params: levelParams,
        querystring: {
          type: 'object',
          additionalProperties: false,
          required: ['reason'],
          properties: { stream, reason: text },
        },
        response: { 200: overrideSchema, ...errorResponses },
      },
    },
    async (request) =>
      store.clearThreshold({
        stream: request.query.stream,
        level: request.params.level,
        target: request.params.target,
        reason: request.query.reason,
        setBy: actor(request),
      }),
  );

  app.get<{ Querystring: { stream: string; assetId?: string; active?: boolean } }>(
    '/v1/maintenance-windows',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Maintenance windows, newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { stream, assetId: target, active: { type: 'boolean' } },
        },
        response: {
          200: { type: 'object', properties: { windows: { type: 'array', items: windowSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      windows: await store.listWindows(request.query.stream, {
        ...(request.query.assetId ? { key: request.query.assetId } : {}),
        ...(request.query.active ? { activeAt: now() } : {}),
      }),
    }),
  );

  app.post<{
    Body: { stream: string; assetId: string; mode: OperatingMode; startsAt?: number; endsAt: number; reason: string };
  }>(
    '/v1/maintenance-windows',
    {
      config: { permission: 'maintenance.change' },
      schema: {
        tags: ['alert workflow'],
        summary: 'Declare a maintenance window: alerts of the asset opening inside it are suppressed',
        body: {
          type: 'object',
          additionalProperties: false,
          required: ['assetId', 'endsAt', 'reason'],
          properties: {
            stream,
            assetId: target,
            mode: { type: 'string', enum: [...OPERATING_MODES], default: 'maintenance' },
            startsAt: { ...epochMsInput, description: 'epoch ms; default now' },
            endsAt: { ...epochMsInput, description: 'epoch ms' },
            reason: text,
          },
        },
        response: { 201: windowSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      const b = request.body;
      const w = await store.addWindow({
        stream: b.stream,
        key: b.assetId,
        mode: b.mode,
        startsAt: b.startsAt ?? now(),
        endsAt: b.endsAt,
        reason: b.reason,
        createdBy: actor(request),
      });
      return reply.status(201).send(w);
    },
  );

  app.post<{ Params: { windowId: string } }>(
    '/v1/maintenance-windows/:windowId/end',
    {
      config: { permission: 'maintenance.change' },
      schema: {
        tags: ['alert workflow'],
        summary: 'End a maintenance window now',
        params: { type: 'object', required: ['windowId'], properties: { windowId: target } },
        response: { 200: windowSchema, ...errorResponses },
      },
    },
    async (request) => store.endWindow(request.params.windowId, actor(request)),
  );

  app.get<{ Params: { alertId: string }; Querystring: { neighbours: number } }>(
    '/v1/alerts/:alertId/explanation',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alerts'],
        summary: 'One alert explained: channels against their normal band, and the most similar past incidents',
        params: { type: 'object', required: ['alertId'], properties: { alertId: target } },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { neighbours: { type: 'integer', minimum: 1, maximum: 50, default: 5 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              alert: alertSchema,
              similar: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    alertId: { type: 'string' },
                    key: { type: 'string' },
                    openedAt: { type: 'integer' },
                    severity: { type: 'string' },
                    distance: { type: 'number' },
                    verdict: { type: ['string', 'null'] },
                    comment: { type: ['string', 'null'] },
                    action: { type: ['string', 'null'] },
                    contributors: {
                      type: 'array',
                      items: {
                        type: 'object',
                        properties: { channel: { type: 'string' }, zScore: { type: 'number' } },
                      },
                    },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const alert = await getAlert(ctx.ch, request.params.alertId);
      if (!alert) throw servingError('VIGIL_SERVING_NOT_FOUND', { what: `alert ${request.params.alertId}` });
      const past = await pastIncidents(ctx.ch, {
        stream: alert.stream,
        modelName: alert.modelName,
        before: alert.openedAt,
      });
      return { alert, similar: similarIncidents(alert, past, request.query.neighbours) };
    },
  );

  app.get<{ Querystring: { stream: string; from?: number; to?: number } }>(
    '/v1/alert-quality',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['alert workflow'],
        summary:
          'Alert quality per asset and asset type: alerts per day, precision from verdicts, time to acknowledge, lead time over ground truth',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            stream,
            from: { ...epochMsInput, description: 'epoch ms; default 30 days ago' },
            to: { ...epochMsInput, description: 'epoch ms; default now' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              stream: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              assets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    key: { type: 'string' },
                    subject: { type: 'string' },
                    ...qualityFigures,
                    medianTimeToAckMs: nullableNumber,
                    medianLeadTimeMs: nullableNumber,
                  },
                },
              },
              bySubject: {
                type: 'array',
                items: { type: 'object', properties: { subject: { type: 'string' }, ...qualityFigures } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const to = request.query.to ?? now();
      const from = request.query.from ?? to - 30 * 86_400_000;
      return alertQuality(ctx.ch, request.query.stream, from, to);
    },
  );
};
