/**
 * Authentication and authorisation hooks, installed at the root so every route gets them. A route declares
 * `config.permission`; without one it is public. Order: no or unknown/expired/revoked key -> 401; a valid key whose
 * role the permission table (permissions.ts) does not list -> 403.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { servingError } from './errors.js';
import { parseApiKey, secretMatches } from './keys/api-key.js';
import type { KeyStore } from './keys/key-store.js';
import { allows, rolesFor } from './permissions.js';
import type { Principal } from './principal.js';

export function presentedKey(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (typeof header === 'string' && header.startsWith('Bearer ')) return header.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' ? apiKey.trim() : undefined;
}

export async function authenticate(keys: KeyStore, token: string | undefined, now: number): Promise<Principal> {
  if (token === undefined || token === '') throw servingError('VIGIL_SERVING_UNAUTHENTICATED', { reason: 'no key' });
  const parsed = parseApiKey(token);
  if (parsed === undefined) {
    throw servingError('VIGIL_SERVING_UNAUTHENTICATED', { reason: 'the key is not shaped like vgl_<prefix>_<secret>' });
  }
  const record = await keys.findByPrefix(parsed.prefix);
  // One message for unknown prefix and wrong secret: a caller learns nothing about which prefixes exist.
  if (record === undefined || !secretMatches(parsed.secret, record.hash)) {
    throw servingError('VIGIL_SERVING_UNAUTHENTICATED', { reason: 'unknown key' });
  }
  if (record.revokedAt !== null) throw servingError('VIGIL_SERVING_UNAUTHENTICATED', { reason: 'the key is revoked' });
  if (record.expiresAt !== null && record.expiresAt <= now) {
    throw servingError('VIGIL_SERVING_UNAUTHENTICATED', {
      reason: `the key expired at ${new Date(record.expiresAt).toISOString()}`,
    });
  }
  return { keyId: record.id, role: record.role, name: record.name };
}

export function installAuth(app: FastifyInstance, keys: KeyStore): void {
  app.decorateRequest('principal', undefined);
  // fastify 5 refuses shared reference values on decorators: null here, a fresh array per request below.
  app.decorateRequest('producedInferenceIds', null as unknown as string[]);
  app.addHook('onRequest', async (request) => {
    request.producedInferenceIds = [];
    const permission = request.routeOptions.config?.permission;
    if (permission === undefined) return;
    const principal = await authenticate(keys, presentedKey(request), Date.now());
    request.principal = principal;
    if (!allows(principal.role, permission)) {
      throw servingError('VIGIL_SERVING_FORBIDDEN', {
        role: principal.role,
        permission,
        route: `${request.method} ${request.routeOptions.url}`,
        roles: rolesFor(permission).join(', '),
      });
    }
  });
}
