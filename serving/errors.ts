import { errorCatalogue } from '../core/errors.js';

/** The API's error catalogue: every error a client can receive from /v1 (docs/errors.md, "Serving"). */
export const servingError = errorCatalogue({
  VIGIL_SERVING_UNAUTHENTICATED: {
    message: 'No valid API key: {reason}. Send it as "Authorization: Bearer vgl_..." or "X-API-Key: vgl_...".',
    status: 401,
    retriable: false,
  },
  VIGIL_SERVING_FORBIDDEN: {
    message: 'Role {role} may not {permission} ({route}); ask an admin for a key with one of: {roles}.',
    status: 403,
    retriable: false,
  },
  VIGIL_SERVING_VALIDATION: { message: 'Invalid request: {detail}', status: 400, retriable: false },
  VIGIL_SERVING_RANGE_TOO_LARGE: {
    message: 'The time range {from}..{to} spans more than {maxDays} days; ask for a shorter range.',
    status: 400,
    retriable: false,
  },
  VIGIL_SERVING_CSV_INVALID: { message: 'CSV upload line {line}: {detail}', status: 400, retriable: false },
  VIGIL_SERVING_TOO_MANY_ROWS: {
    message: 'The request holds more than {max} readings; split it into several requests.',
    status: 413,
    retriable: false,
  },
  VIGIL_SERVING_BODY_TOO_LARGE: {
    message: 'The request body is larger than {limit} bytes; split it or upload a smaller file.',
    status: 413,
    retriable: false,
  },
  VIGIL_SERVING_UNSUPPORTED_MEDIA: { message: '{detail}', status: 415, retriable: false },
  VIGIL_SERVING_NOT_FOUND: { message: '{what} was not found.', status: 404, retriable: false },
  VIGIL_SERVING_RATE_LIMITED: {
    message: 'Rate limit of {max} requests per {window} for this key exceeded; retry in {retryIn}.',
    status: 429,
    retriable: true,
  },
  VIGIL_SERVING_UNAVAILABLE: {
    message: '{feature} is not available on this server: {reason}',
    status: 503,
    retriable: true,
  },
  VIGIL_SERVING_CONFLICT: { message: '{detail}', status: 409, retriable: false },
  VIGIL_SERVING_INTERNAL: {
    message: 'Internal error (request {requestId}); the server log has the details under this request id.',
    status: 500,
    retriable: false,
  },
  VIGIL_SERVING_UI_MISSING: {
    message: 'The web UI is not built ({dir} has no index.html): run `npm run build:ui`.',
    status: 503,
    retriable: false,
  },
});
