/** GET /v1/me: the caller's key and what its role may do (the UI shows only that). */
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { PERMISSIONS, permissionsOf } from '../permissions.js';
import { errorResponses } from '../schemas.js';

export const mePlugin: FastifyPluginAsync<ServingContext> = async (app) => {
  app.get(
    '/v1/me',
    {
      config: { permission: 'self' },
      schema: {
        tags: ['access'],
        summary: 'The calling key, its role and permissions',
        response: {
          200: {
            type: 'object',
            properties: {
              keyId: { type: 'string' },
              name: { type: 'string' },
              role: { type: 'string' },
              permissions: { type: 'array', items: { type: 'string', enum: Object.keys(PERMISSIONS) } },
            },
          },
          ...errorResponses,
        },
      },
    },
    async (request) => {
      const p = request.principal!;
      return { keyId: p.keyId, name: p.name, role: p.role, permissions: permissionsOf(p.role) };
    },
  );
};
