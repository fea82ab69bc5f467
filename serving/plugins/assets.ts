/** GET /v1/assets (latest state of each asset) and GET /v1/assets/:assetId/series (channels + scores over time). */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { assetSeries, listAssets } from '../queries/assets.js';
import { errorResponses, limitParam, numberMap, timeParam } from '../schemas.js';
import { timeRange } from '../time-range.js';

export const assetsPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get<{ Querystring: { sinceHours: number } }>(
    '/v1/assets',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: 'Assets that reported recently, with open alerts, worst severity and recent production scores',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { sinceHours: { type: 'integer', minimum: 1, maximum: 24 * 31, default: 24 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              assets: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    assetId: { type: 'string' },
                    assetType: { type: 'string' },
                    site: { type: 'string' },
                    line: { type: 'string' },
                    lastSeen: { type: 'integer' },
                    openAlerts: { type: 'integer' },
                    worstSeverity: { type: 'string' },
                    lastScore: { type: ['number', 'null'] },
                    threshold: { type: ['number', 'null'] },
                    recentScores: { type: 'array', items: { type: 'number' } },
                  },
                },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => ({
      assets: await listAssets(ctx.ch, (ctx.now ?? Date.now)(), request.query.sinceHours * 3_600_000),
    }),
  );

  app.get<{ Params: { assetId: string }; Querystring: { from?: string; to?: string; limit: number } }>(
    '/v1/assets/:assetId/series',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: "One asset's channel values and production scores over a time range (default: the last 6 h)",
        params: {
          type: 'object',
          required: ['assetId'],
          properties: { assetId: { type: 'string', minLength: 1, maxLength: 128 } },
        },
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { from: timeParam, to: timeParam, limit: limitParam(10_000, 5_000) },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              assetId: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              readings: {
                type: 'array',
                items: { type: 'object', properties: { t: { type: 'integer' }, channels: numberMap } },
              },
              scores: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    t: { type: 'integer' },
                    score: { type: 'number' },
                    threshold: { type: 'number' },
                    anomaly: { type: 'boolean' },
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
      const range = timeRange(request.query, (ctx.now ?? Date.now)(), 6 * 3_600_000, ctx.config.serving.maxRangeMs);
      const series = await assetSeries(ctx.ch, request.params.assetId, range.from, range.to, request.query.limit);
      return { ...series, ...range };
    },
  );
};
