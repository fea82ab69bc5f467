/** Who is calling: set by the auth hook on every request to a protected route; typed into fastify's request. */
import type { Permission, Role } from './permissions.js';

export interface Principal {
  readonly keyId: string;
  readonly role: Role;
  readonly name: string;
}

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    /** Inference ids this request produced, for its audit row. */
    producedInferenceIds: string[];
  }
  interface FastifyContextConfig {
    /** The permission a route needs; routes without one are public (health, metrics, docs, UI). */
    permission?: Permission;
  }
}
