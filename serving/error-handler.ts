/**
 * The one place an error becomes an HTTP response: `{ code, message, requestId }`, never a stack trace.
 * VigilError -> its status and code; fastify's own errors (validation, body too large, bad media type, rate limit)
 * -> the matching VIGIL_SERVING_* code; anything else -> 500 VIGIL_SERVING_INTERNAL, logged with the request id.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isVigilError, type VigilError } from '../core/errors.js';
import { servingError } from './errors.js';

export const errorBodySchema = {
  $id: 'Error',
  type: 'object',
  required: ['code', 'message', 'requestId'],
  properties: {
    code: { type: 'string', description: 'VIGIL_* error code (docs/errors.md)' },
    message: { type: 'string' },
    requestId: { type: 'string' },
  },
} as const;

export function toVigilError(error: unknown, request: FastifyRequest, bodyLimit: number): VigilError {
  if (isVigilError(error)) return error;
  const e = error as Partial<FastifyError> & { validation?: unknown };
  if (e.validation !== undefined) return servingError('VIGIL_SERVING_VALIDATION', { detail: e.message ?? 'invalid' });
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return servingError('VIGIL_SERVING_BODY_TOO_LARGE', { limit: bodyLimit });
    case 'FST_REQ_FILE_TOO_LARGE':
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
      return servingError('VIGIL_SERVING_BODY_TOO_LARGE', { limit: e.message ?? 'the upload limit' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_INVALID_MULTIPART_CONTENT_TYPE':
      return servingError('VIGIL_SERVING_UNSUPPORTED_MEDIA', { detail: e.message ?? 'unsupported content type' });
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status >= 400 && status < 500)
    return servingError('VIGIL_SERVING_VALIDATION', { detail: e.message ?? 'bad request' });
  return servingError('VIGIL_SERVING_INTERNAL', { requestId: request.id }, error);
}

/**
 * URLs the router refuses before any hook runs (a path parameter over 100 characters, a malformed escape): the
 * same `{ code, message, requestId }` body as every other error, instead of fastify's own shape that no route
 * declares (schemathesis found the 414s).
 */
export function replyToFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  const vigil = servingError('VIGIL_SERVING_VALIDATION', { detail: error.message });
  reply.status(vigil.status).send({ code: vigil.code, message: vigil.message, requestId: request.id });
}

export function installErrorHandler(app: FastifyInstance, bodyLimit: number): void {
  app.setErrorHandler((error, request: FastifyRequest, reply: FastifyReply) => {
    const vigil = toVigilError(error, request, bodyLimit);
    if (vigil.status >= 500) request.log.error({ err: error, code: vigil.code }, 'request failed');
    else request.log.info({ code: vigil.code }, vigil.message);
    if (vigil.code === 'VIGIL_SERVING_RATE_LIMITED' && vigil.params.retryAfterSeconds !== undefined) {
      reply.header('retry-after', String(vigil.params.retryAfterSeconds));
    }
    return reply.status(vigil.status).send({ code: vigil.code, message: vigil.message, requestId: request.id });
  });
  app.setNotFoundHandler((request, reply) => {
    const vigil = servingError('VIGIL_SERVING_NOT_FOUND', { what: `${request.method} ${request.url.split('?')[0]}` });
    return reply.status(404).send({ code: vigil.code, message: vigil.message, requestId: request.id });
  });
}
