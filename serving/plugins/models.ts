/**
 * Model versions and their cards (read), the shadow comparison (from inferences), and the lifecycle actions
 * (admin, with a reason): promote, shadow, roll back, all through the ModelRegistry interface (core/model/registry.ts)
 * so the registry records who (`api-key:<id>`), when, from which version to which, and why.
 */
import type { FastifyPluginAsync } from 'fastify';
import { isVigilError } from '../../core/errors.js';
import type { ModelRegistry } from '../../core/model/registry.js';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';
import { modelComparison } from '../queries/audit.js';
import { errorResponses, timeParam } from '../schemas.js';
import { timeRange } from '../time-range.js';

const versionProps = {
  name: { type: 'string' },
  version: { type: 'string' },
  stream: { type: 'string' },
  assetType: { type: 'string' },
  state: { type: 'string' },
  onnxSha256: { type: 'string' },
  createdAt: { type: 'integer' },
  createdBy: { type: 'string' },
  threshold: { type: 'number' },
  algorithm: { type: 'string' },
  metrics: { type: 'object', additionalProperties: true },
  loadedHere: { type: 'boolean' },
} as const;

const eventSchema = {
  type: 'object',
  properties: {
    name: { type: 'string' },
    action: { type: 'string' },
    version: { type: 'string' },
    fromVersion: { type: ['string', 'null'] },
    actor: { type: 'string' },
    reason: { type: 'string' },
    at: { type: 'integer' },
  },
} as const;

const nameParams = {
  type: 'object',
  required: ['name'],
  properties: { name: { type: 'string', pattern: '^[a-z0-9][a-z0-9_.-]*$', maxLength: 128 } },
} as const;

function requireRegistry(ctx: ServingContext): ModelRegistry {
  if (ctx.registry === undefined) {
    throw servingError('VIGIL_SERVING_UNAVAILABLE', {
      feature: 'The model registry',
      reason: 'this server was started without one (it lists only the models it loaded)',
    });
  }
  return ctx.registry;
}

/** Registry refusals (bad transition, failed gate) are the caller's to fix: 409 with the registry's message. */
async function change<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    if (isVigilError(error) && error.status < 500 && error.code.startsWith('VIGIL_MODEL')) {
      throw servingError('VIGIL_SERVING_CONFLICT', { detail: `${error.code}: ${error.message}` }, error);
    }
    throw error;
  }
}

export const modelsPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  app.get(
    '/v1/models',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['models'],
        summary: 'Model versions with their state and headline metrics',
        response: {
          200: {
            type: 'object',
            properties: { versions: { type: 'array', items: { type: 'object', properties: versionProps } } },
          },
          ...errorResponses,
        },
      },
    },
    async () => {
      const loaded = ctx.models.list();
      const isLoaded = (name: string, version: string) => loaded.some((m) => m.name === name && m.version === version);
      if (ctx.registry === undefined) {
        return {
          versions: loaded.map((m) => ({
            name: m.name,
            version: m.version,
            stream: 'sensors',
            assetType: m.subject,
            state: m.role,
            threshold: m.threshold,
            loadedHere: true,
          })),
        };
      }
      const versions = await ctx.registry.list();
      return {
        versions: versions.map((v) => ({
          name: v.name,
          version: v.version,
          stream: v.stream,
          assetType: v.assetType,
          state: v.state,
          onnxSha256: v.onnxSha256,
          createdAt: v.createdAt,
          createdBy: v.createdBy,
          threshold: v.card.threshold,
          algorithm: v.card.algorithm,
          metrics: { falseAlertRate: v.card.metrics.falseAlertRate, ...v.card.metrics.overall },
          loadedHere: isLoaded(v.name, v.version),
        })),
      };
    },
  );

  app.get<{ Params: { name: string; version: string } }>(
    '/v1/models/:name/versions/:version',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['models'],
        summary: 'One model version with its full card',
        params: {
          type: 'object',
          required: ['name', 'version'],
          properties: { name: nameParams.properties.name, version: { type: 'string', minLength: 1, maxLength: 128 } },
        },
        response: {
          200: {
            type: 'object',
            properties: { ...versionProps, card: { type: 'object', additionalProperties: true } },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const registry = requireRegistry(ctx);
      const v = await registry.get(request.params.name, request.params.version).catch((error: unknown) => {
        if (isVigilError(error) && error.status === 404) {
          throw servingError('VIGIL_SERVING_NOT_FOUND', {
            what: `model ${request.params.name}@${request.params.version}`,
          });
        }
        throw error;
      });
      return { ...v, threshold: v.card.threshold, algorithm: v.card.algorithm };
    },
  );

  app.get<{ Params: { name: string } }>(
    '/v1/models/:name/history',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['models'],
        summary: 'Who promoted, shadowed or rolled back which version, when and why',
        params: nameParams,
        response: {
          200: { type: 'object', properties: { events: { type: 'array', items: eventSchema } } },
          ...errorResponses,
        },
      },
    },
    async (request) => ({ events: await requireRegistry(ctx).history(request.params.name) }),
  );

  app.get<{ Params: { name: string }; Querystring: { from?: string; to?: string } }>(
    '/v1/models/:name/comparison',
    {
      config: { permission: 'read' },
      schema: {
        tags: ['models'],
        summary: 'Production vs shadow over a time range (default 24 h): scores, anomaly rate, mean score',
        params: nameParams,
        querystring: { type: 'object', additionalProperties: false, properties: { from: timeParam, to: timeParam } },
        response: {
          200: {
            type: 'object',
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              versions: {
                type: 'array',
                items: {
                  type: 'object',
                  properties: {
                    version: { type: 'string' },
                    role: { type: 'string' },
                    scores: { type: 'integer' },
                    anomalyRate: { type: 'number' },
                    meanScore: { type: 'number' },
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
      return { ...range, versions: await modelComparison(ctx.ch, request.params.name, range.from, range.to) };
    },
  );

  const changeBody = (versionRequired: boolean) =>
    ({
      type: 'object',
      required: versionRequired ? ['version', 'reason'] : ['reason'],
      additionalProperties: false,
      properties: {
        version: { type: 'string', minLength: 1, maxLength: 128 },
        reason: { type: 'string', minLength: 3, maxLength: 2_000 },
        force: { type: 'boolean', default: false },
      },
    }) as const;

  for (const action of ['promote', 'shadow', 'rollback'] as const) {
    app.post<{ Params: { name: string }; Body: { version?: string; reason: string; force: boolean } }>(
      `/v1/models/:name/${action}`,
      {
        config: { permission: 'models.change' },
        schema: {
          tags: ['models'],
          summary:
            action === 'rollback'
              ? 'Roll back to the previous production version (with a reason)'
              : `${action === 'promote' ? 'Promote' : 'Shadow'} a version (with a reason)`,
          params: nameParams,
          body: changeBody(action !== 'rollback'),
          response: { 200: eventSchema, ...errorResponses },
        },
      },
      async (request) => {
        const registry = requireRegistry(ctx);
        const { version, reason, force } = request.body;
        const base = { name: request.params.name, actor: `api-key:${request.principal!.keyId}`, reason, force };
        const event = await change(() =>
          action === 'rollback'
            ? registry.rollback({ ...base, version })
            : action === 'promote'
              ? registry.promote({ ...base, version: version! })
              : registry.shadow({ ...base, version: version! }),
        );
        await ctx.onModelChange?.(request.params.name);
        return event;
      },
    );
  }
};
