/** JSON schema pieces shared by the routes (and so by the generated OpenAPI document). */

export const errorResponses = {
  '4xx': { $ref: 'Error#' },
  '5xx': { $ref: 'Error#' },
} as const;

export const epochMs = { type: 'integer', description: 'epoch milliseconds (UTC)' } as const;

/**
 * The latest time a request may carry: the end of ClickHouse's DateTime64 range (2299-12-31). Unbounded integers
 * reached ClickHouse beyond 2^53 or `Date` beyond its range and failed there with a 500 (found by schemathesis).
 */
export const MAX_EPOCH_MS = Date.UTC(2299, 11, 31, 23, 59, 59, 999);

/** A time a client sends as an integer (bodies, and query strings that take only epoch milliseconds). */
export const epochMsInput = { ...epochMs, minimum: 0, maximum: MAX_EPOCH_MS } as const;

/** A time in a query string: epoch milliseconds or ISO 8601. */
export const timeParam = {
  type: 'string',
  pattern: '^(\\d{1,16}|\\d{4}-\\d{2}-\\d{2}.*)$',
  description: 'epoch milliseconds or ISO 8601',
} as const;

export const limitParam = (max: number, dflt: number) =>
  ({ type: 'integer', minimum: 1, maximum: max, default: dflt }) as const;

export const numberMap = { type: 'object', additionalProperties: { type: 'number' } } as const;

export const sensorReadingSchema = {
  type: 'object',
  required: ['assetId', 'assetType', 'eventTime', 'channels'],
  additionalProperties: false,
  properties: {
    eventId: { type: 'string', minLength: 1, maxLength: 128 },
    assetId: { type: 'string', minLength: 1, maxLength: 128 },
    assetType: { type: 'string', minLength: 1, maxLength: 64 },
    site: { type: 'string', maxLength: 128 },
    line: { type: 'string', maxLength: 128 },
    eventTime: epochMsInput,
    seq: { type: 'integer', minimum: -Number.MAX_SAFE_INTEGER, maximum: Number.MAX_SAFE_INTEGER },
    channels: numberMap,
    quality: { type: 'array', items: { type: 'string' }, maxItems: 16 },
  },
} as const;

export const paging = { limit: limitParam(10_000, 1_000) } as const;
