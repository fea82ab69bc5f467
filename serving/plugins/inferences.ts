/** GET /v1/inferences (one asset, a time range) and GET /v1/inferences/:id (the full trace of one score). */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { inferenceTrace, listInferences } from '../queries/inferences.js';
import { errorResponses, limitParam, numberMap, timeParam } from '../schemas.js';
import { timeRange } from '../time-range.js';

const inferenceProps = {
  inferenceId: { type: 'string' },
  stream: { type: 'string' },
  key: { type: 'string' },
  eventId: { type: 'string' },
  eventTime: { type: 'integer' },
  scoredAt: { type: 'integer' },
  score: { type: 'number' },
  threshold: { type: 'number' },
  anomaly: { type: 'boolean' },
  modelName: { type: 'string' },
  modelVersion: { type: 'string' },
  modelRole: { type: 'string' },
  featureSet: { type: 'string' },
  featureSetVersion: { type: 'string' },
  sourceTopic: { type: 'string' },
  sourcePartition: { type: 'integer' },
  sourceOffset: { type: 'string' },
  apiKeyId: { type: 'string' },
  requestId: { type: 'string' },
  runId: { type: 'string' },
} as const;

export const inferencesPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get<{
    Querystring: { assetId: string; from?: string; to?: string; limit: number; source: 'stream' | 'api' | 'all' };
  }>(
    '/v1/inferences',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: "One asset's inferences over a time range (default: the last 24 h)",
        querystring: {
          type: 'object',
          required: ['assetId'],
          additionalProperties: false,
          properties: {
            assetId: { type: 'string', minLength: 1, maxLength: 128 },
            from: timeParam,
            to: timeParam,
            limit: limitParam(10_000, 1_000),
            source: { type: 'string', enum: ['stream', 'api', 'all'], default: 'stream' },
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              inferences: { type: 'array', items: { type: 'object', properties: inferenceProps } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const q = request.query;
      await ctx.inferenceRows.flush();
      const range = timeRange(q, (ctx.now ?? Date.now)(), 86_400_000, ctx.config.serving.maxRangeMs);
      const inferences = await listInferences(ctx.ch, {
        assetId: q.assetId,
        ...range,
        limit: q.limit,
        source: q.source,
      });
      return { ...range, inferences };
    },
  );

  app.get<{ Params: { inferenceId: string } }>(
    '/v1/inferences/:inferenceId',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['read'],
        summary: 'One inference with its trace: event, features, model version, source offsets or API key',
        params: {
          type: 'object',
          required: ['inferenceId'],
          properties: { inferenceId: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              inference: { type: 'object', properties: { ...inferenceProps, features: numberMap } },
              event: {
                type: ['object', 'null'],
                properties: {
                  eventId: { type: 'string' },
                  assetId: { type: 'string' },
                  assetType: { type: 'string' },
                  eventTime: { type: 'integer' },
                  channels: numberMap,
                  quality: { type: 'array', items: { type: 'string' } },
                },
              },
              apiKey: {
                type: ['object', 'null'],
                properties: { id: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } },
              },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      await ctx.inferenceRows.flush();
      const trace = await inferenceTrace(ctx.ch, request.params.inferenceId);
      if (trace === undefined) {
        throw servingError('VIGIL_SERVING_NOT_FOUND', { what: `inference ${request.params.inferenceId}` });
      }
      return trace;
    },
  );
};
