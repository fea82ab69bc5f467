import { describe, expect, it } from 'vitest';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { isLoopbackHost, planStack, portsOf } from '../../stack/plan.js';

describe('planStack', () => {
  it('plans a local broker and registry on the default ports', () => {
    const plan = planStack(configWith());
    expect(plan.kafka).toMatchObject({
      kind: 'local',
      host: '127.0.0.1',
      port: 9092,
      controllerPort: 9093,
      version: '4.3.1',
    });
    expect(plan.registry).toMatchObject({
      kind: 'local',
      port: 8081,
      managementPort: 9081,
      url: 'http://127.0.0.1:8081/apis/ccompat/v7',
      version: '3.3.3',
    });
    expect(plan.notes).toEqual([]);
    expect(plan.root.endsWith('/.vigil/stack')).toBe(true);
  });

  it('takes the ports from KAFKA_BROKERS and SCHEMA_REGISTRY_URL, and the derived ones follow', () => {
    const plan = planStack(
      configWith({ KAFKA_BROKERS: 'localhost:19092', SCHEMA_REGISTRY_URL: 'http://127.0.0.1:18081/apis/ccompat/v7' }),
    );
    expect(plan.kafka).toMatchObject({ kind: 'local', port: 19092, controllerPort: 19093 });
    expect(plan.registry).toMatchObject({ kind: 'local', port: 18081, managementPort: 19081 });
    expect(portsOf(plan).map((u) => u.port)).toEqual([19092, 19093, 18081, 19081]);
  });

  it('honours explicit controller and management ports', () => {
    const plan = planStack(
      configWith({ VIGIL_STACK_KAFKA_CONTROLLER_PORT: '7000', VIGIL_STACK_REGISTRY_MANAGEMENT_PORT: '7001' }),
    );
    expect(plan.kafka).toMatchObject({ controllerPort: 7000 });
    expect(plan.registry).toMatchObject({ managementPort: 7001 });
  });

  it('starts nothing for remote servers', () => {
    const plan = planStack(
      configWith({ KAFKA_BROKERS: 'kafka-1.plant:9092,kafka-2.plant:9092', SCHEMA_REGISTRY_URL: 'https://sr.plant' }),
    );
    expect(plan.kafka).toEqual({
      kind: 'remote',
      brokers: ['kafka-1.plant:9092', 'kafka-2.plant:9092'],
      auth: { ssl: false },
    });
    expect(plan.registry).toEqual({ kind: 'remote', url: 'https://sr.plant' });
    expect(portsOf(plan)).toEqual([]);
  });

  it('keeps the credentials of remote servers for their health checks', () => {
    const plan = planStack(
      configWith({
        KAFKA_BROKERS: 'kafka-1.plant:9093',
        KAFKA_SSL: 'true',
        KAFKA_SASL_MECHANISM: 'scram-sha-512',
        KAFKA_SASL_USERNAME: 'vigil',
        KAFKA_SASL_PASSWORD: 's3cret',
        SCHEMA_REGISTRY_URL: 'https://sr.plant/',
        SCHEMA_REGISTRY_USERNAME: 'sr-user',
        SCHEMA_REGISTRY_PASSWORD: 'sr-pass',
      }),
    );
    expect(plan.kafka).toMatchObject({
      kind: 'remote',
      auth: { ssl: true, sasl: { mechanism: 'scram-sha-512', username: 'vigil', password: 's3cret' } },
    });
    expect(plan.registry).toMatchObject({ kind: 'remote', auth: { username: 'sr-user', password: 'sr-pass' } });
  });

  it('refuses a local registry on a remote broker', () => {
    expect(() => planStack(configWith({ KAFKA_BROKERS: 'kafka-1.plant:9092' }))).toThrow(
      expect.objectContaining({ code: 'VIGIL_STACK_REGISTRY_NEEDS_LOCAL_KAFKA' }),
    );
  });

  it('refuses two components on one port, naming the variables', () => {
    try {
      planStack(configWith({ VIGIL_STACK_KAFKA_CONTROLLER_PORT: '8081' }));
      expect.unreachable('planStack should have thrown');
    } catch (error) {
      expect(isVigilError(error, 'VIGIL_STACK_PORT_CONFLICT')).toBe(true);
      expect((error as Error).message).toContain('8081');
      expect((error as Error).message).toContain('VIGIL_STACK_KAFKA_CONTROLLER_PORT or SCHEMA_REGISTRY_URL');
    }
  });

  it('notes a registry URL whose path the local registry does not serve', () => {
    const plan = planStack(configWith({ SCHEMA_REGISTRY_URL: 'http://127.0.0.1:8081' }));
    expect(plan.notes.join('\n')).toContain('/apis/ccompat/v7');
    expect(plan.registry).toMatchObject({ url: 'http://127.0.0.1:8081/apis/ccompat/v7' });
  });

  it('knows loopback hosts', () => {
    expect(['127.0.0.1', '127.1.2.3', 'localhost', 'LOCALHOST', '::1', '[::1]'].every(isLoopbackHost)).toBe(true);
    expect(['10.0.0.1', 'kafka', '1270.0.0.1', '0.0.0.0'].some(isLoopbackHost)).toBe(false);
  });
});

describe('stack config section', () => {
  it('parses durations and heaps', () => {
    const config = configWith({ VIGIL_STACK_START_TIMEOUT: '2m', VIGIL_STACK_REGISTRY_HEAP: '1g' });
    expect(config.stack.startTimeoutMs).toBe(120_000);
    expect(config.stack.stopTimeoutMs).toBe(30_000);
    expect(config.stack.registryHeap).toBe('1g');
  });

  it('lists every invalid stack option at once', () => {
    expect(() =>
      configWith({
        VIGIL_STACK_KAFKA_HEAP: 'big',
        VIGIL_STACK_KAFKA_CONTROLLER_PORT: '70000',
        VIGIL_STACK_KAFKA_VERSION: '4',
      }),
    ).toThrow(/VIGIL_STACK_KAFKA_VERSION[\s\S]*VIGIL_STACK_KAFKA_CONTROLLER_PORT[\s\S]*VIGIL_STACK_KAFKA_HEAP/);
  });
});
