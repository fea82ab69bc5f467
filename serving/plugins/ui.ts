/** The web UI: the built files of serving/ui (npm run build:ui) served at / by the same process. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';
import type { ServingContext } from '../context.js';
import { servingError } from '../errors.js';

export const uiPlugin: FastifyPluginAsync<ServingContext> = async (app, ctx) => {
  const dir = ctx.uiDir;
  if (dir !== undefined && existsSync(join(dir, 'index.html'))) {
    await app.register(fastifyStatic, { root: dir, prefix: '/', index: 'index.html', maxAge: '1h', immutable: false });
    return;
  }
  app.get('/', { schema: { hide: true } }, async () => {
    throw servingError('VIGIL_SERVING_UI_MISSING', { dir: dir ?? '(no UI directory configured)' });
  });
};
