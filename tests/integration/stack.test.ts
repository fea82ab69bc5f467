/**
 * `vigil stack` against real processes. The shared stack (default ports, started by global-setup or by hand) is
 * only read and re-`up`ed, never stopped; stopping, restarting and port clashes use a second stack in a temporary
 * data directory on spare ports. Its distributions are a symlink to the shared ones so nothing is fetched twice.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import kafkajs from 'kafkajs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadConfig } from '../../core/config/index.js';
import type { ComponentStatus } from '../../stack/index.js';
import { freePort, planStack } from '../../stack/index.js';
import { runCli } from '../helpers/cli.js';
import { waitFor } from '../helpers/wait.js';

const { Kafka, logLevel } = kafkajs;

const sharedEnv = { ...process.env };

async function statusJson(
  env: Record<string, string | undefined>,
): Promise<{ code: number; statuses: ComponentStatus[] }> {
  const run = await runCli(['stack', 'status', '--json'], env);
  return { code: run.code, statuses: JSON.parse(run.out) as ComponentStatus[] };
}

function byName(statuses: ComponentStatus[], name: string): ComponentStatus {
  const found = statuses.find((s) => s.component === name);
  if (!found) throw new Error(`no status for ${name}`);
  return found;
}

/** A data directory of its own whose stack/dist points at the shared, already fetched distributions. */
async function spareStackEnv(): Promise<Record<string, string | undefined>> {
  const dataDir = await mkdtemp(join(tmpdir(), 'vigil-stack-test-'));
  await mkdir(join(dataDir, 'stack'), { recursive: true });
  const sharedDist = planStack(loadConfig(sharedEnv)).distDir;
  await symlink(resolve(sharedDist), join(dataDir, 'stack', 'dist'));
  const [broker, controller, registry, management] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  return {
    ...sharedEnv,
    VIGIL_DATA_DIR: dataDir,
    KAFKA_BROKERS: `127.0.0.1:${broker}`,
    VIGIL_STACK_KAFKA_CONTROLLER_PORT: String(controller),
    SCHEMA_REGISTRY_URL: `http://127.0.0.1:${registry}/apis/ccompat/v7`,
    VIGIL_STACK_REGISTRY_MANAGEMENT_PORT: String(management),
  };
}

describe('vigil stack on the shared stack', () => {
  it('status reports both components healthy with pids and ports', async () => {
    const { code, statuses } = await statusJson(sharedEnv);
    expect(code).toBe(0);
    const kafka = byName(statuses, 'kafka');
    const registry = byName(statuses, 'registry');
    const config = loadConfig(sharedEnv);
    expect(kafka.healthy).toBe(true);
    expect(registry.healthy).toBe(true);
    expect(kafka.address).toBe(inject('kafkaBrokers')[0]);
    expect(registry.address).toBe(config.registry.url);
    if (kafka.mode === 'local' && kafka.state === 'running') {
      expect(kafka.pid).toBeGreaterThan(0);
      expect(kafka.ports.broker).toBe(Number(config.kafka.brokers[0]?.split(':')[1]));
      expect(kafka.ports.controller).toBe((kafka.ports.broker ?? 0) + 1);
      expect(registry.pid).toBeGreaterThan(0);
      expect(registry.ports.management).toBe((registry.ports.api ?? 0) + 1000);
    }
  });

  it('a second `stack up` is a no-op that says so and keeps the same processes', async () => {
    const before = await statusJson(sharedEnv);
    const run = await runCli(['stack', 'up'], sharedEnv);
    expect(run.code).toBe(0);
    const after = await statusJson(sharedEnv);
    const pids = (s: ComponentStatus[]) => s.map((c) => c.pid);
    expect(pids(after.statuses)).toEqual(pids(before.statuses));
    if (byName(before.statuses, 'kafka').state === 'running') {
      expect(run.out).toContain('kafka: already running');
      expect(run.out).toContain('stack: already up; nothing to do');
    }
  });

  it('logs prints the last lines of one component', async () => {
    const run = await runCli(['stack', 'logs', 'kafka', '-n', '3'], sharedEnv);
    expect(run.code).toBe(0);
    expect(run.out.trimEnd().split('\n').length).toBeLessThanOrEqual(3);
    expect(run.out.length).toBeGreaterThan(0);
  });
});

describe('vigil stack usage errors', () => {
  it.each([
    [['stack', 'logs', 'zookeeper']],
    [['stack', 'logs', 'kafka', '-n', 'many']],
    [['stack', 'frobnicate']],
    [['stack']],
  ])('%j exits 2', async (argv) => {
    const run = await runCli(argv, sharedEnv);
    expect(run.code).toBe(2);
  });

  it('an invalid stack option exits 2 naming the variable', async () => {
    const run = await runCli(['stack', 'status'], { ...sharedEnv, VIGIL_STACK_KAFKA_HEAP: 'lots' });
    expect(run.code).toBe(2);
    expect(run.err).toContain('VIGIL_STACK_KAFKA_HEAP');
  });

  it.each([
    ['VIGIL_STACK_MAVEN', '/nonexistent/mvn', 'VIGIL_STACK_MAVEN_MISSING', 'apt-get install maven'],
    ['VIGIL_STACK_JAVA_HOME', '/nonexistent/jdk', 'VIGIL_STACK_JAVA_MISSING', 'VIGIL_STACK_JAVA_HOME'],
  ])('with %s=%s a first `up` fails with %s, saying what to do', async (variable, value, code, advice) => {
    // A fresh data directory (nothing fetched) on spare ports: the check happens before anything starts.
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-stack-missing-'));
    const run = await runCli(['stack', 'up'], {
      ...sharedEnv,
      VIGIL_DATA_DIR: dataDir,
      KAFKA_BROKERS: `127.0.0.1:${await freePort()}`,
      VIGIL_STACK_KAFKA_CONTROLLER_PORT: String(await freePort()),
      SCHEMA_REGISTRY_URL: `http://127.0.0.1:${await freePort()}/apis/ccompat/v7`,
      VIGIL_STACK_REGISTRY_MANAGEMENT_PORT: String(await freePort()),
      [variable]: value,
    });
    await rm(dataDir, { recursive: true, force: true });
    expect(run.code).toBe(1);
    expect(run.err).toContain(code);
    expect(run.err).toContain(advice);
  });

  it('starts nothing for remote Kafka and registry, and says so', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'vigil-stack-remote-'));
    const run = await runCli(['stack', 'up'], {
      ...sharedEnv,
      VIGIL_DATA_DIR: dataDir,
      KAFKA_BROKERS: 'kafka-1.plant.invalid:9092',
      SCHEMA_REGISTRY_URL: 'http://registry.plant.invalid:8081',
    });
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      'kafka: KAFKA_BROKERS=kafka-1.plant.invalid:9092 is not on this machine; nothing started',
    );
    expect(run.out).toContain(
      'registry: SCHEMA_REGISTRY_URL=http://registry.plant.invalid:8081 is not on this machine',
    );
    await rm(dataDir, { recursive: true, force: true });
  });
});

describe('vigil stack on spare ports', () => {
  let env: Record<string, string | undefined>;
  beforeAll(async () => {
    env = await spareStackEnv();
  });
  afterAll(async () => {
    await runCli(['stack', 'down'], env);
    if (env.VIGIL_DATA_DIR) await rm(env.VIGIL_DATA_DIR, { recursive: true, force: true });
  });

  it('refuses a broker port held by a foreign process, naming the port, the holder and the variable', async () => {
    const port = Number(env.KAFKA_BROKERS?.split(':')[1]);
    const squatter: Server = createServer();
    await new Promise<void>((done) => squatter.listen(port, '127.0.0.1', done));
    try {
      const run = await runCli(['stack', 'up'], env);
      expect(run.code).toBe(1);
      expect(run.err).toContain('VIGIL_STACK_PORT_TAKEN');
      expect(run.err).toContain(`Port ${port}`);
      expect(run.err).toContain('KAFKA_BROKERS');
      expect(run.err).toContain(`pid ${process.pid}`);
    } finally {
      await new Promise<void>((done) => squatter.close(() => done()));
    }
  });

  it('keeps topics and schemas across down/up', async () => {
    const up = await runCli(['stack', 'up'], env);
    expect(up.err).toBe('');
    expect(up.code).toBe(0);
    const brokers = [env.KAFKA_BROKERS ?? ''];
    const registryUrl = env.SCHEMA_REGISTRY_URL ?? '';
    const topic = `stack-test-${Date.now()}`;
    const subject = `${topic}-value`;

    const admin = new Kafka({ clientId: 'stack-test', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 2, replicationFactor: 1 }] });
    await admin.disconnect();
    const schema = JSON.stringify({ type: 'record', name: 'T', fields: [{ name: 'a', type: 'int' }] });
    const registered = await fetch(`${registryUrl}/subjects/${subject}/versions`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ schema }),
    });
    expect(registered.status).toBe(200);
    const { id } = (await registered.json()) as { id: number };
    const compat = await fetch(`${registryUrl}/config/${subject}`, {
      method: 'PUT',
      headers: { 'content-type': 'application/vnd.schemaregistry.v1+json' },
      body: JSON.stringify({ compatibility: 'BACKWARD' }),
    });
    expect(compat.status).toBe(200);

    const down = await runCli(['stack', 'down'], env);
    expect(down.code).toBe(0);
    expect(down.out).toMatch(/registry: stopped[\s\S]*kafka: stopped/);
    const stopped = await statusJson(env);
    expect(stopped.code).toBe(1);
    expect(stopped.statuses.map((s) => s.state)).toEqual(['stopped', 'stopped']);

    const again = await runCli(['stack', 'up'], env);
    expect(again.code).toBe(0);
    expect(again.out).toContain('kafka: healthy');
    const admin2 = new Kafka({ clientId: 'stack-test', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin2.connect();
    const metadata = await admin2.fetchTopicMetadata({ topics: [topic] });
    await admin2.disconnect();
    expect(metadata.topics[0]?.partitions.length).toBe(2);
    const latest = await waitFor(
      async () => {
        const response = await fetch(`${registryUrl}/subjects/${subject}/versions/latest`);
        return response.status === 200 ? ((await response.json()) as { id: number; schema: string }) : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 250, description: `subject ${subject} after restart` },
    );
    expect(latest.id).toBe(id);
    expect(JSON.parse(latest.schema)).toEqual(JSON.parse(schema));
    const level = (await (await fetch(`${registryUrl}/config/${subject}`)).json()) as { compatibilityLevel: string };
    expect(level.compatibilityLevel).toBe('BACKWARD');

    const status = await statusJson(env);
    expect(status.code).toBe(0);
    for (const s of status.statuses) {
      expect(s.healthy).toBe(true);
      expect(s.pid).toBeGreaterThan(0);
    }
  });
});
