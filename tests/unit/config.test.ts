import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { configOptions, loadConfig } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig(env);
  } catch (error) {
    if (isVigilError(error, 'VIGIL_CONFIG_INVALID')) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('has working defaults for one machine', () => {
    const config = loadConfig({});
    expect(config.kafka.brokers).toEqual(['127.0.0.1:9092']);
    expect(config.registry.url).toBe('http://127.0.0.1:8081/apis/ccompat/v7');
    expect(config.clickhouse.url).toBeUndefined();
    expect(config.api.port).toBe(8080);
  });

  it('is frozen', () => {
    const config = loadConfig({});
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.kafka)).toBe(true);
  });

  it('reports every invalid variable at once, naming it and the fix', () => {
    const message = problemsOf({ KAFKA_BROKERS: 'nope', VIGIL_API_PORT: '99999', LOG_LEVEL: 'loud' });
    expect(message).toContain('KAFKA_BROKERS must be host:port[,host:port]');
    expect(message).toContain('VIGIL_API_PORT must be a port number');
    expect(message).toContain('LOG_LEVEL must be one of');
  });

  it('applies cross-field rules', () => {
    expect(problemsOf({ KAFKA_SASL_MECHANISM: 'scram-sha-512' })).toContain('set KAFKA_SASL_USERNAME');
  });

  it('never echoes a secret value in an error', () => {
    const message = problemsOf({ KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: '' });
    expect(message).not.toContain('hunter2');
  });

  it('parses any valid broker list and keeps every host', () => {
    const hostPort = fc
      .tuple(fc.constantFrom('127.0.0.1', 'kafka-1', 'broker.example.com'), fc.integer({ min: 1, max: 65535 }))
      .map(([h, p]) => `${h}:${p}`);
    fc.assert(
      fc.property(fc.array(hostPort, { minLength: 1, maxLength: 5 }), (list) => {
        expect(loadConfig({ KAFKA_BROKERS: list.join(',') }).kafka.brokers).toEqual(list);
      }),
    );
  });

  it('documents every option with a unique env var', () => {
    const options = configOptions();
    const names = options.map((o) => o.env);
    expect(new Set(names).size).toBe(names.length);
    for (const o of options) expect(o.doc.length, o.env).toBeGreaterThan(10);
  });
});
