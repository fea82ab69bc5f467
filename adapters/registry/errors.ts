/**
 * Schema registry errors. A registry that answers "no" (an incompatible or invalid schema, an unknown id) is
 * final; a registry that does not answer is retriable and names SCHEMA_REGISTRY_URL.
 */
import { errorCatalogue } from '../../core/errors.js';

export const registryError = errorCatalogue({
  VIGIL_REGISTRY_UNAVAILABLE: {
    message:
      'Schema registry {url} is unavailable ({detail}); check SCHEMA_REGISTRY_URL, or start the local stack with `vigil stack up`',
    status: 503,
    retriable: true,
  },
  VIGIL_REGISTRY_UNAUTHORIZED: {
    message:
      'Schema registry {url} refused the request ({detail}); check SCHEMA_REGISTRY_USERNAME and SCHEMA_REGISTRY_PASSWORD',
    status: 503,
    retriable: false,
  },
  VIGIL_REGISTRY_INCOMPATIBLE_SCHEMA: {
    message:
      'Schema {schema} is not {compatibility}-compatible with the versions registered under subject {subject}: {reason}. Add new fields with a default, never change a field type; or use a new topic',
    status: 409,
    retriable: false,
  },
  VIGIL_REGISTRY_INVALID_SCHEMA: {
    message: 'Schema registry rejected schema {schema} for subject {subject} as invalid: {reason}',
    status: 422,
    retriable: false,
  },
  VIGIL_REGISTRY_SCHEMA_NOT_REGISTERED: {
    message: 'Schema {schema} is not registered under subject {subject}; run `vigil migrate` to register it',
    status: 500,
    retriable: false,
  },
  VIGIL_REGISTRY_REQUEST_FAILED: {
    message: 'Schema registry request {operation} failed: {detail}',
    status: 502,
    retriable: false,
  },
});
