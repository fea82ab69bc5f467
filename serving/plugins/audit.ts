/**
 * The audit trail: an onResponse hook records one row per request to a protected route (401, 403 and 429
 * included), and GET /v1/audit reads them back (admin). Probes, metrics, docs and UI files are not audited.
 */
import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { ServingContext } from '../context.js';
import { listAudit } from '../queries/audit.js';
import { errorResponses, limitParam, timeParam } from '../schemas.js';
import { timeRange } from '../time-range.js';

export function recordAudit(ctx: ServingContext, request: FastifyRequest, status: number, latencyMs?: number): void {
  ctx.audit.record({
    at: (ctx.now ?? Date.now)(),
    apiKeyId: request.principal?.keyId ?? '',
    role: request.principal?.role ?? '',
    route: request.routeOptions.url ?? request.url.split('?')[0] ?? '',
    method: request.method,
    status,
    latencyMs: latencyMs ?? 0,
    requestId: request.id,
    inferenceIds: request.producedInferenceIds ?? [],
  });
}

/** Root-level hook (installed by the app so it sees every route). */
export function auditHook(ctx: ServingContext) {
  return async (request: FastifyRequest, reply: { statusCode: number; elapsedTime: number }) => {
    if (request.routeOptions.config?.permission === undefined) return;
    recordAudit(ctx, request, reply.statusCode, reply.elapsedTime);
  };
}

export const auditPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get<{ Querystring: { apiKeyId?: string; from?: string; to?: string; limit: number } }>(
    '/v1/audit',
    {
      config: { permission: 'audit.read' },
      schema: {
        tags: ['access'],
        summary: 'Who called what, when, with which outcome, and which inferences it produced (newest first)',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            apiKeyId: { type: 'string', maxLength: 64 },
            from: timeParam,
            to: timeParam,
            limit: limitParam(5_000, 200),
          },
        },
        response: {
          200: {
            type: 'object',
            properties: {
              entries: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    at: { type: 'integer' },
                    apiKeyId: { type: 'string' },
                    keyName: { type: 'string' },
                    role: { type: 'string' },
                    route: { type: 'string' },
                    method: { type: 'string' },
                    status: { type: 'integer' },
                    latencyMs: { type: 'number' },
                    requestId: { type: 'string' },
                    inferenceIds: { type: 'array', items: { type: 'string' } },
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
      const range = timeRange(request.query, (ctx.now ?? Date.now)(), 86_400_000, ctx.config.serving.maxRangeMs);
      await ctx.audit.flush();
      return { entries: await listAudit(ctx.ch, { ...request.query, ...range }) };
    },
  );
};
