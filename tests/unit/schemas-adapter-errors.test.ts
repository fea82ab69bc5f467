/**
 * How Kafka and registry failures become VigilErrors, and how the Kafka client is configured (SASL, logs).
 * Uses the error classes kafkajs itself throws; no broker needed.
 */
import { Writable } from 'node:stream';
import kafkajs from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { kafkaConfigOf } from '../../adapters/kafka/client.js';
import { toKafkaError } from '../../adapters/kafka/kafka-errors.js';
import { createLogger } from '../../adapters/logger.js';
import { toRegistryError } from '../../adapters/registry/registry-errors.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError, type VigilError } from '../../core/errors.js';

const context = { operation: 'creating topics', brokers: ['b1:9092', 'b2:9092'] };
const errors = kafkajs as unknown as Record<string, new (...args: unknown[]) => Error>;

function asVigil(error: unknown): VigilError {
  if (!isVigilError(error)) throw new Error(`not a VigilError: ${String(error)}`);
  return error;
}

describe('toKafkaError', () => {
  it('names KAFKA_BROKERS when the brokers cannot be reached, also behind "retries exceeded"', () => {
    const refused = new errors.KafkaJSConnectionError!('Connection error: connect ECONNREFUSED', { broker: 'b1:9092' });
    const direct = asVigil(toKafkaError(refused, context));
    expect(direct.code).toBe('VIGIL_KAFKA_UNREACHABLE');
    expect(direct.retriable).toBe(true);
    expect(direct.message).toContain('KAFKA_BROKERS');
    expect(direct.message).toContain('b1:9092,b2:9092');
    const wrapped = new errors.KafkaJSNumberOfRetriesExceeded!(refused, { retryCount: 5, retryTime: 100 });
    expect(asVigil(toKafkaError(wrapped, context)).code).toBe('VIGIL_KAFKA_UNREACHABLE');
  });

  it('names the SASL variables when credentials are refused', () => {
    const auth = new errors.KafkaJSSASLAuthenticationError!('SASL SCRAM SHA256 authentication failed');
    const error = asVigil(toKafkaError(auth, context));
    expect(error.code).toBe('VIGIL_KAFKA_AUTH_FAILED');
    expect(error.retriable).toBe(false);
    expect(error.message).toContain('KAFKA_SASL_USERNAME');
  });

  it("keeps kafkajs' retriable verdict for protocol errors", () => {
    const retriable = new errors.KafkaJSProtocolError!({
      message: 'leader moved',
      type: 'NOT_LEADER_FOR_PARTITION',
      retriable: true,
    });
    const final = new errors.KafkaJSProtocolError!({
      message: 'not authorized',
      type: 'TOPIC_AUTHORIZATION_FAILED',
      retriable: false,
    });
    expect(asVigil(toKafkaError(retriable, context))).toMatchObject({
      code: 'VIGIL_KAFKA_REQUEST_FAILED',
      retriable: true,
    });
    expect(asVigil(toKafkaError(final, context))).toMatchObject({
      code: 'VIGIL_KAFKA_REQUEST_REJECTED',
      retriable: false,
    });
  });

  it('passes programmer errors through untouched', () => {
    const bug = new TypeError('x is undefined');
    expect(toKafkaError(bug, context)).toBe(bug);
  });
});

describe('toRegistryError', () => {
  const ctx = { url: 'http://r:8081', operation: 'register', subject: 's-value', schema: 'sensor-reading' };
  const response = (status: number, message: string) => Object.assign(new Error(`Client - ${message}`), { status });

  it.each([
    [response(400, 'Error, status 400: connect ECONNREFUSED 127.0.0.1:8081'), 'VIGIL_REGISTRY_UNAVAILABLE', true],
    [response(503, 'Service Unavailable'), 'VIGIL_REGISTRY_UNAVAILABLE', true],
    [response(401, 'Unauthorized'), 'VIGIL_REGISTRY_UNAUTHORIZED', false],
    [response(409, 'Incompatible artifact: b at /fields/1'), 'VIGIL_REGISTRY_INCOMPATIBLE_SCHEMA', false],
    [response(422, 'Invalid schema'), 'VIGIL_REGISTRY_INVALID_SCHEMA', false],
    [response(400, 'Bad request body'), 'VIGIL_REGISTRY_REQUEST_FAILED', false],
  ])('maps %s to %s', (failure, code, retriable) => {
    const error = asVigil(toRegistryError(failure, ctx));
    expect(error.code).toBe(code);
    expect(error.retriable).toBe(retriable);
  });

  it("names the subject and quotes the registry's reason on a rejection", () => {
    const error = asVigil(toRegistryError(response(409, 'Incompatible artifact: b at /fields/1'), ctx));
    expect(error.message).toContain('s-value');
    expect(error.message).toContain('Incompatible artifact: b at /fields/1');
    expect(error.message).not.toContain('Client - ');
  });

  it('names SCHEMA_REGISTRY_URL when the registry cannot be reached', () => {
    const error = asVigil(toRegistryError(response(400, 'Error, status 400: getaddrinfo ENOTFOUND r'), ctx));
    expect(error.message).toContain('SCHEMA_REGISTRY_URL');
    expect(error.message).toContain('http://r:8081');
  });
});

describe('kafkaConfigOf', () => {
  const logger = createLogger('warn');

  it('passes SASL credentials and TLS through, and suffixes the client id', () => {
    const config = configWith({
      KAFKA_BROKERS: 'k1:9093,k2:9093',
      KAFKA_SSL: 'true',
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'vigil',
      KAFKA_SASL_PASSWORD: 's3cret',
    });
    const kafka = kafkaConfigOf(config, logger, { clientIdSuffix: 'processor' });
    expect(kafka).toMatchObject({
      clientId: 'vigil-processor',
      brokers: ['k1:9093', 'k2:9093'],
      ssl: true,
      sasl: { mechanism: 'scram-sha-512', username: 'vigil', password: 's3cret' },
    });
    expect(kafkaConfigOf(configWith(), logger).sasl).toBeUndefined();
  });

  it('routes kafkajs logs to pino with the namespace and without the duplicated timestamp', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const kafka = kafkaConfigOf(configWith(), createLogger('info', sink));
    const log = kafka.logCreator?.(kafkajs.logLevel.INFO);
    log?.({
      namespace: 'Consumer',
      level: kafkajs.logLevel.WARN,
      label: 'WARN',
      log: { message: 'rebalancing', timestamp: 'ts', logger: 'kafkajs', groupId: 'g1' },
    });
    const entry = JSON.parse(lines[0] ?? '{}');
    expect(entry).toMatchObject({
      component: 'kafkajs',
      namespace: 'Consumer',
      groupId: 'g1',
      msg: 'rebalancing',
      level: 40,
    });
    expect(entry.timestamp).toBeUndefined();
  });
});
