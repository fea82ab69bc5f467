/**
 * Classifies what the registry client throws. The Confluent client (mappersmith) reports a network failure as
 * a status-400 response whose message is the socket error, so "unreachable" is recognised by that message.
 */
import { isVigilError } from '../../core/errors.js';
import { registryError } from './errors.js';

const NETWORK_FAILURE =
  /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET|EHOSTUNREACH|ENETUNREACH|EPIPE|socket hang up|timed? ?out|fetch failed/i;

/** The HTTP status of a registry failure, or undefined for a network failure or a non-HTTP error. */
export function statusOf(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  if (typeof status !== 'number') return undefined;
  if (status === 400 && NETWORK_FAILURE.test(String((error as { message?: unknown }).message))) return undefined;
  return status;
}

/** The registry's own reason text, without the client's "Confluent_Schema_Registry - " prefix. */
export function reasonOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/^[\w.-]+ - /, '');
}

export function isNetworkFailure(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const message = String((error as { message?: unknown }).message ?? '');
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  return (
    NETWORK_FAILURE.test(message) ||
    (cause !== undefined && NETWORK_FAILURE.test(`${String(cause.code ?? '')} ${String(cause.message ?? '')}`))
  );
}

export interface RegistryErrorContext {
  readonly url: string;
  /** "GET /schemas/ids/7", "register vigil.sensor-readings-value". */
  readonly operation: string;
  readonly subject?: string;
  readonly schema?: string;
}

/**
 * The VigilError for a registry failure; 404s are left to the caller (an unknown id and an unknown subject mean
 * different things) by returning undefined.
 */
export function toRegistryError(error: unknown, context: RegistryErrorContext): unknown {
  if (isVigilError(error)) return error;
  const status = statusOf(error);
  const reason = reasonOf(error);
  if (status === undefined) {
    return isNetworkFailure(error) || (typeof error === 'object' && error !== null && 'status' in error)
      ? registryError('VIGIL_REGISTRY_UNAVAILABLE', { url: context.url, detail: reason }, error)
      : error;
  }
  if (status >= 500 || status === 408 || status === 429) {
    return registryError(
      'VIGIL_REGISTRY_UNAVAILABLE',
      { url: context.url, detail: `HTTP ${status}: ${reason}` },
      error,
    );
  }
  if (status === 401 || status === 403) {
    return registryError('VIGIL_REGISTRY_UNAUTHORIZED', { url: context.url, detail: `HTTP ${status}` }, error);
  }
  if (status === 409) {
    return registryError(
      'VIGIL_REGISTRY_INCOMPATIBLE_SCHEMA',
      { subject: context.subject, schema: context.schema, compatibility: 'BACKWARD', reason },
      error,
    );
  }
  if (status === 422) {
    return registryError(
      'VIGIL_REGISTRY_INVALID_SCHEMA',
      { subject: context.subject, schema: context.schema, reason },
      error,
    );
  }
  return registryError(
    'VIGIL_REGISTRY_REQUEST_FAILED',
    { operation: context.operation, detail: `HTTP ${status}: ${reason}` },
    error,
  );
}
