/**
 * The API and UI server: one fastify instance, one encapsulated plugin per feature (plugins/), a JSON schema on
 * every route and the OpenAPI document generated from them (/docs). Root-level concerns, installed once so every
 * route gets them: request ids, security headers, authentication + authorisation, per-key rate limits, the audit
 * hook and the one error handler. `buildApp` does no I/O of its own: the caller hands in the clients (context.ts).
 */
import { randomUUID } from 'node:crypto';
import rateLimit from '@fastify/rate-limit';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import helmet from 'helmet';
import { installAuth } from './auth.js';
import type { ServingContext } from './context.js';
import { errorBodySchema, installErrorHandler, replyToFrameworkError } from './error-handler.js';
import { servingError } from './errors.js';
import type { Permission } from './permissions.js';
import { alertWorkflowPlugin } from './plugins/alert-workflow.js';
import { alertsPlugin } from './plugins/alerts.js';
import { assetsPlugin } from './plugins/assets.js';
import { auditHook, auditPlugin } from './plugins/audit.js';
import { deadLettersPlugin } from './plugins/dead-letters.js';
import { driftPlugin } from './plugins/drift.js';
import { healthPlugin } from './plugins/health.js';
import { inferencesPlugin } from './plugins/inferences.js';
import { ingestPlugin } from './plugins/ingest.js';
import { mePlugin } from './plugins/me.js';
import { modelsPlugin } from './plugins/models.js';
import { scorePlugin } from './plugins/score.js';
import { uiPlugin } from './plugins/ui.js';
import './principal.js';

export interface RouteInfo {
  readonly method: string;
  readonly url: string;
  /** undefined: a public route. */
  readonly permission: Permission | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route with the permission it needs (tests check each protected route against the role table). */
    vigilRoutes: readonly RouteInfo[];
  }
}

export async function buildApp(ctx: ServingContext): Promise<FastifyInstance> {
  const { serving } = ctx.config;
  const app = Fastify({
    loggerInstance: ctx.logger.child({ component: 'api' }) as FastifyBaseLogger,
    // The audit trail records every request; per-request info logs would only repeat it.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: serving.bodyLimitBytes,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    frameworkErrors: replyToFrameworkError,
  });
  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  app.addSchema(errorBodySchema);
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) {
      if (method !== 'HEAD') routes.push({ method, url: route.url, permission: route.config?.permission });
    }
  });
  app.decorate('vigilRoutes', routes);
  installErrorHandler(app, serving.bodyLimitBytes);

  // helmet's middleware, built once. @fastify/helmet builds it again for every request (a CSP parse and a dozen
  // closures), and with it every request's objects outlived young-generation collections (bench/README.md,
  // "what kept finished requests alive").
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        // uPlot and the components set element styles from script; no inline <style> or style="" is served.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'blob:'],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  app.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, done as (error?: unknown) => void),
  );

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Vigil API',
        version: '1',
        description: 'Scores, alerts, models and audit of Vigil. Authenticate with "Authorization: Bearer vgl_...".',
      },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs', staticCSP: true });

  installAuth(app, ctx.keys);
  await app.register(rateLimit, {
    global: true,
    max: serving.rateLimit,
    timeWindow: serving.rateWindowMs,
    // Runs after authentication (root hooks first), so the limit is per key; public routes are not limited.
    keyGenerator: (request) => request.principal?.keyId ?? `ip:${request.ip}`,
    allowList: (request) => request.routeOptions.config?.permission === undefined,
    errorResponseBuilder: (_request, context) =>
      servingError('VIGIL_SERVING_RATE_LIMITED', {
        max: context.max,
        window: context.after,
        retryIn: context.after,
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
  app.addHook('onResponse', auditHook(ctx));

  for (const plugin of [
    healthPlugin,
    mePlugin,
    scorePlugin,
    inferencesPlugin,
    alertsPlugin,
    alertWorkflowPlugin,
    assetsPlugin,
    deadLettersPlugin,
    driftPlugin,
    modelsPlugin,
    auditPlugin,
    ingestPlugin,
    uiPlugin,
  ]) {
    await app.register(plugin, ctx);
  }
  return app;
}
