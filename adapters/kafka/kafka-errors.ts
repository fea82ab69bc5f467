/**
 * Turns whatever kafkajs throws into a typed VigilError, keeping kafkajs' own retriable verdict. Errors that are
 * not from Kafka (a TypeError: a bug) are returned unchanged, so they are never mistaken for broker trouble.
 */
import { isVigilError } from '../../core/errors.js';
import { kafkaError } from './errors.js';

interface KafkaJsLikeError extends Error {
  readonly retriable?: boolean;
  readonly type?: string;
  readonly cause?: unknown;
  readonly originalError?: unknown;
  readonly errors?: unknown[];
}

const CONNECTION_ERRORS = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSRequestTimeoutError',
]);

const AUTH_PROTOCOL_TYPES = new Set(['SASL_AUTHENTICATION_FAILED', 'ILLEGAL_SASL_STATE', 'UNSUPPORTED_SASL_MECHANISM']);

function isKafkaJsError(error: unknown): error is KafkaJsLikeError {
  return error instanceof Error && (error.name.startsWith('KafkaJS') || 'retriable' in error);
}

/** The innermost kafkajs error: "retries exceeded" wraps the error that kept happening. */
function rootOf(error: KafkaJsLikeError): KafkaJsLikeError {
  let current = error;
  for (let depth = 0; depth < 5; depth++) {
    const next = current.cause ?? current.originalError;
    if (!isKafkaJsError(next) || next === current) break;
    current = next;
  }
  return current;
}

export interface KafkaErrorContext {
  /** What was being done, for the message: "creating topics", "producing to vigil.sensor-readings". */
  readonly operation: string;
  readonly brokers: readonly string[];
}

export function toKafkaError(error: unknown, context: KafkaErrorContext): unknown {
  if (isVigilError(error) || !isKafkaJsError(error)) return error;
  const root = rootOf(error);
  const detail = root === error ? error.message : `${error.message}: ${root.message}`;
  const brokers = context.brokers.join(',');
  if (root.name === 'KafkaJSSASLAuthenticationError' || (root.type && AUTH_PROTOCOL_TYPES.has(root.type))) {
    return kafkaError('VIGIL_KAFKA_AUTH_FAILED', { detail }, error);
  }
  if (CONNECTION_ERRORS.has(root.name) || /ECONNREFUSED|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/.test(detail)) {
    return kafkaError('VIGIL_KAFKA_UNREACHABLE', { brokers, detail }, error);
  }
  // kafkajs marks "retries exceeded" non-retriable for its own loop; the cause decides for ours.
  const retriable = root.retriable ?? error.retriable ?? false;
  return retriable
    ? kafkaError('VIGIL_KAFKA_REQUEST_FAILED', { operation: context.operation, detail }, error)
    : kafkaError('VIGIL_KAFKA_REQUEST_REJECTED', { operation: context.operation, detail }, error);
}

/** Runs one Kafka call and rethrows its failure as a VigilError. */
export async function kafkaCall<T>(context: KafkaErrorContext, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    throw toKafkaError(error, context);
  }
}
