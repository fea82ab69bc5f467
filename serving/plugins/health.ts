/** Liveness, readiness and Prometheus metrics: public routes (probes and scrapers carry no API key). */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';

export const healthPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get(
    '/healthz',
    {
      schema: {
        tags: ['health'],
        summary: 'Alive: the process answers',
        response: { 200: { type: 'object', properties: { status: { type: 'string' } } } },
      },
    },
    async () => ({ status: 'ok' }),
  );

  const readySchema = {
    type: 'object',
    properties: {
      ready: { type: 'boolean' },
      checks: {
        type: 'array',
        items: {
          type: 'object',
          properties: { name: { type: 'string' }, ok: { type: 'boolean' }, detail: { type: 'string' } },
        },
      },
    },
  } as const;
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['health'],
        summary: 'Ready: Kafka, schema registry, ClickHouse answer and a model is loaded',
        response: { 200: readySchema, 503: readySchema },
      },
    },
    async (_request, reply) => {
      const probes = [
        ...ctx.readiness,
        {
          name: 'model',
          check: async () => {
            if (ctx.models.size === 0) throw new Error('no model loaded (VIGIL_API_MODEL_DIRS or the model registry)');
          },
        },
      ];
      const checks = await Promise.all(
        probes.map(async (p) => {
          try {
            await p.check();
            return { name: p.name, ok: true, detail: 'ok' };
          } catch (error) {
            return { name: p.name, ok: false, detail: error instanceof Error ? error.message : String(error) };
          }
        }),
      );
      const ready = checks.every((c) => c.ok);
      return reply.status(ready ? 200 : 503).send({ ready, checks });
    },
  );

  app.get(
    '/metrics',
    { schema: { tags: ['health'], summary: 'Prometheus metrics', produces: ['text/plain'] } },
    async (_request, reply) => {
      reply.header('content-type', ctx.metrics.contentType);
      return ctx.metrics.metrics();
    },
  );
};
