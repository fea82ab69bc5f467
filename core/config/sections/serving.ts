import { option, section } from '../option.js';
import { boolean, durationMs, optionalString, positiveInt } from '../parsers.js';

/** The API and UI process (`vigil serve`); host and port are in the `api` section. */
export const serving = section('serving', {
  bodyLimitBytes: option({
    env: 'VIGIL_API_BODY_LIMIT',
    default: '1048576',
    doc: 'Largest JSON request body in bytes (413 beyond).',
    schema: positiveInt,
  }),
  uploadLimitBytes: option({
    env: 'VIGIL_API_UPLOAD_LIMIT',
    default: '20971520',
    doc: 'Largest CSV upload to POST /v1/score/file in bytes (413 beyond).',
    schema: positiveInt,
  }),
  maxReadings: option({
    env: 'VIGIL_API_MAX_READINGS',
    default: '50000',
    doc: 'Most readings one score request (JSON or CSV) may hold.',
    schema: positiveInt,
  }),
  rateLimit: option({
    env: 'VIGIL_API_RATE_LIMIT',
    default: '1200',
    doc: 'Requests per API key per VIGIL_API_RATE_WINDOW (429 beyond).',
    schema: positiveInt,
  }),
  rateWindowMs: option({
    env: 'VIGIL_API_RATE_WINDOW',
    default: '1m',
    doc: 'Window of the per-key rate limit.',
    schema: durationMs,
  }),
  maxRangeMs: option({
    env: 'VIGIL_API_MAX_RANGE',
    default: '31d',
    doc: 'Longest time range a read of inferences, series or audit rows may span.',
    schema: durationMs,
  }),
  auditFlushMs: option({
    env: 'VIGIL_API_AUDIT_FLUSH',
    default: '1s',
    doc: 'How often buffered audit rows are written to api_audit (and always at shutdown).',
    schema: durationMs,
  }),
  keyCacheMs: option({
    env: 'VIGIL_API_KEY_CACHE',
    default: '5s',
    doc: 'How long a looked-up API key is cached: a revocation takes effect on a running server within this time.',
    schema: durationMs,
  }),
  livePollMs: option({
    env: 'VIGIL_API_LIVE_POLL',
    default: '1s',
    doc: 'How often the server looks for new or changed alerts to push to live (SSE) clients.',
    schema: durationMs,
  }),
  modelDirs: option({
    env: 'VIGIL_API_MODEL_DIRS',
    doc: 'Comma-separated model directories (card.json + ONNX) the API scores with, until the model registry serves them.',
    schema: optionalString,
  }),
  bootstrapKey: option({
    env: 'VIGIL_API_BOOTSTRAP_KEY',
    default: 'true',
    doc: 'On start with no API key at all, create an admin key and print it once to the terminal.',
    schema: boolean,
  }),
});
