/**
 * GET /v1/drift: what the drift job (monitoring/) stored over a time range — its measures per model, window and
 * target (PSI, JS distance, live and reference bin counts) and the drift alerts open during the range.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { listDriftAlerts, listDriftMeasures } from '../queries/drift.js';
import { errorResponses, limitParam, timeParam } from '../schemas.js';
import { timeRange } from '../time-range.js';

const measureSchema = {
  type: 'object',
  properties: {
    computedAt: { type: 'integer' },
    model: { type: 'string' },
    version: { type: 'string' },
    stream: { type: 'string' },
    window: { type: 'string' },
    windowMs: { type: 'integer' },
    kind: { type: 'string', description: 'feature, score or alert_rate' },
    target: { type: 'string' },
    psi: { type: 'number' },
    jsDistance: { type: 'number' },
    liveRows: { type: 'integer' },
    liveCounts: { type: 'array', items: { type: 'integer' } },
    referenceCounts: { type: 'array', items: { type: 'number' } },
    drifted: { type: 'boolean' },
  },
} as const;

const alertSchema = {
  type: 'object',
  properties: {
    alertId: { type: 'string' },
    subject: { type: 'string', description: 'model/target/window' },
    state: { type: 'string' },
    severity: { type: 'string' },
    openedAt: { type: 'integer' },
    closedAt: { type: ['integer', 'null'] },
    value: { type: 'number', description: 'PSI at the last transition' },
    threshold: { type: 'number' },
    message: { type: 'string' },
    model: { type: 'string' },
    version: { type: 'string' },
    window: { type: 'string' },
    target: { type: 'string' },
    updatedAt: { type: 'integer' },
  },
} as const;

interface DriftQuery {
  model?: string;
  window?: string;
  target?: string;
  drifted?: boolean;
  latest?: boolean;
  from?: string;
  to?: string;
  limit: number;
}

export const driftPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get<{ Querystring: DriftQuery }>(
    '/v1/drift',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: 'Drift measures of the production models (newest first) and the drift alerts open in the range',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            model: { type: 'string', minLength: 1, maxLength: 128 },
            window: { type: 'string', pattern: '^\\d{1,12}(ms|s|m|h|d)$', description: 'e.g. 1h, 1d' },
            target: {
              type: 'string',
              minLength: 1,
              maxLength: 256,
              description: 'a feature name, score or alert_rate',
            },
            drifted: { type: 'boolean', description: 'only measures over their thresholds (alerts unaffected)' },
            latest: { type: 'boolean', description: 'only the newest measure of each model, window and target' },
            from: timeParam,
            to: timeParam,
            limit: limitParam(5_000, 500),
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              measures: { type: 'array', items: measureSchema },
              alerts: { type: 'array', items: alertSchema },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const range = timeRange(request.query, (ctx.now ?? Date.now)(), 86_400_000, ctx.config.serving.maxRangeMs);
      const filter = { ...request.query, ...range };
      const measures = await listDriftMeasures(ctx.ch, filter);
      return { ...range, measures, alerts: await listDriftAlerts(ctx.ch, filter) };
    },
  );
};
