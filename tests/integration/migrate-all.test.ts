import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-migrate-'));
const env = {
  VIGIL_DATA_DIR: dataDir,
  VIGIL_TOPIC_PREFIX: `test.${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}.`,
  KAFKA_BROKERS: inject('kafkaBrokers').join(','),
  SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
  LOG_LEVEL: 'warn',
};

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('vigil migrate (ClickHouse, topics, schemas)', () => {
  it('applies every step, then is a no-op', async () => {
    const first = await runCli(['migrate'], env);
    expect(first.err).toBe('');
    expect(first.code).toBe(0);
    expect(first.out).toMatch(/clickhouse: \d+ applied, 0 already applied/);
    expect(first.out).toContain('topics: 6 created, 0 already existed');
    expect(first.out).toContain(`schemas: ${env.VIGIL_TOPIC_PREFIX}sensor-readings-value -> schema id`);

    const second = await runCli(['migrate'], env);
    expect(second.code).toBe(0);
    expect(second.out).toContain('clickhouse: up to date');
    expect(second.out).toContain('topics: 0 created, 6 already existed');
    const ids = (out: string) => [...out.matchAll(/schema id (\d+)/g)].map((m) => m[1]);
    expect(ids(second.out)).toEqual(ids(first.out));
  });

  it('exits 1 naming KAFKA_BROKERS when the broker cannot be reached', async () => {
    const result = await runCli(['migrate', '--only', 'topics'], { ...env, KAFKA_BROKERS: '127.0.0.1:1' });
    expect(result.code).toBe(1);
    expect(result.err).toContain('KAFKA_BROKERS');
  });
});
