/**
 * docker-compose.yml is the production recipe and no Docker engine runs here, so these tests guard it against the
 * code: every variable a Vigil service sets is a declared option, the required ones are set and valid, addresses
 * and ports agree with the code's defaults and with prometheus/prometheus.yml, images are pinned, no secret is
 * written in the file, and the file validates with the compose CLI when one is installed.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../core/config/index.js';
import { TOPIC_DECLARATIONS } from '../../core/topics.js';
import {
  type ComposeService,
  defaultOf,
  hostPort,
  loadCompose,
  METRICS_PORT_ENV,
  parseEnvFile,
  ROOT,
  readRepoFile,
  roleOf,
  unknownEnvProblem,
} from './deploy-recipe.js';

const compose = loadCompose();
const services = Object.entries(compose.services);
const isVigil = ([, s]: [string, ComposeService]) => /^vigil(-training)?:/.test(s.image ?? '');
const vigilServices = services.filter(isVigil);

/** The environment a Vigil container gets: env files, then `environment` (which wins), as compose does. */
function envOf(service: ComposeService): Record<string, string> {
  const fromFiles = Object.assign({}, ...(service.env_file ?? []).map((f) => parseEnvFile(readRepoFile(f))));
  return { ...fromFiles, ...(service.environment ?? {}) };
}

/** What loadConfig sees once cli/context.ts has read the `_FILE` secrets (stand-in values here). */
function resolvedEnv(env: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = { ...env };
  for (const [name, value] of Object.entries(env)) {
    if (name.endsWith('_FILE')) out[name.slice(0, -'_FILE'.length)] = `secret-from-${value}`;
  }
  return out;
}

const REQUIRED_IN_PRODUCTION = ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'CLICKHOUSE_URL'];

describe('docker-compose.yml: Vigil services', () => {
  it('has every role as its own service, from one image', () => {
    const roles = vigilServices.map(([, s]) => s.command?.join(' '));
    expect(roles).toEqual(
      expect.arrayContaining([
        'migrate',
        'process --stream sensors',
        'process --stream orders',
        'serve',
        'monitor',
        expect.stringMatching(/^produce plant/),
        expect.stringMatching(/^produce orders/),
      ]),
    );
    const runtimeImages = new Set(
      vigilServices.filter(([, s]) => !s.image?.startsWith('vigil-training')).map(([, s]) => s.image),
    );
    expect([...runtimeImages]).toHaveLength(1);
  });

  it('sets only variables the config declares (or _FILE forms of secrets)', () => {
    const problems = vigilServices.flatMap(([name, s]) =>
      Object.keys(envOf(s)).flatMap((env) => {
        const problem = unknownEnvProblem(env);
        return problem ? [`${name}: ${problem}`] : [];
      }),
    );
    expect(problems).toEqual([]);
  });

  it('sets the variables a multi-container deployment needs, and the config accepts them', () => {
    for (const [name, s] of vigilServices) {
      const env = envOf(s);
      for (const required of REQUIRED_IN_PRODUCTION) expect(env[required], `${name}: ${required}`).toBeTruthy();
      if (env.CLICKHOUSE_USERNAME) expect(env.CLICKHOUSE_PASSWORD ?? env.CLICKHOUSE_PASSWORD_FILE, name).toBeTruthy();
      expect(() => loadConfig(resolvedEnv(env)), name).not.toThrow();
    }
  });

  it('points Kafka, the registry and ClickHouse at services of this file, on the ports they listen on', () => {
    const kafkaListeners = compose.services.kafka?.environment?.KAFKA_ADVERTISED_LISTENERS ?? '';
    for (const [name, s] of vigilServices) {
      const env = envOf(s);
      for (const broker of (env.KAFKA_BROKERS ?? '').split(',')) {
        expect(kafkaListeners, `${name}: KAFKA_BROKERS ${broker}`).toContain(`PLAINTEXT://${broker}`);
        expect(hostPort(broker).port).toBe(hostPort(defaultOf('KAFKA_BROKERS') ?? '').port);
      }
      const registry = hostPort(env.SCHEMA_REGISTRY_URL ?? '');
      expect(compose.services[registry.host], `${name}: registry host`).toBeDefined();
      expect(compose.services['schema-registry']?.environment?.SCHEMA_REGISTRY_LISTENERS).toContain(
        `:${registry.port}`,
      );
      expect(registry.port).toBe(hostPort(defaultOf('SCHEMA_REGISTRY_URL') ?? '').port);
      // Confluent's registry serves its API at the root; the /apis/ccompat/v7 default is Apicurio's (local stack).
      expect(new URL(env.SCHEMA_REGISTRY_URL ?? '').pathname).toBe('/');
      const clickhouse = hostPort(env.CLICKHOUSE_URL ?? '');
      expect(compose.services[clickhouse.host], `${name}: ClickHouse host`).toBeDefined();
      expect(clickhouse.port).toBe(8123); // the server's HTTP interface (@clickhouse/client speaks HTTP)
      expect(env.CLICKHOUSE_DATABASE).toBe(compose.services.clickhouse?.environment?.CLICKHOUSE_DB);
    }
  });

  it('serves /metrics where prometheus/prometheus.yml scrapes', () => {
    const prometheus = parse(readRepoFile('prometheus/prometheus.yml')) as {
      scrape_configs: { job_name: string; static_configs: { targets: string[] }[] }[];
    };
    const targets = prometheus.scrape_configs
      .flatMap((job) => job.static_configs.flatMap((c) => c.targets))
      .filter((t) => !t.startsWith('localhost'));
    expect(targets.length).toBeGreaterThan(0);
    for (const target of targets) {
      const { host, port } = hostPort(target);
      const matching = vigilServices.filter(
        ([name, s]) => name === host || Object.values(s.networks ?? {}).some((n) => n?.aliases?.includes(host)),
      );
      expect(matching.length, `a service or alias named ${host}`).toBeGreaterThan(0);
      for (const [name, s] of matching) {
        const portEnv = METRICS_PORT_ENV[roleOf(s.command)];
        expect(portEnv, `${name} serves /metrics`).toBeDefined();
        const actual = Number(envOf(s)[portEnv ?? ''] ?? defaultOf(portEnv ?? ''));
        expect(actual, `${name}: ${portEnv} vs scrape target ${target}`).toBe(port);
      }
    }
  });

  it('lets processors scale: no fixed name or host port, never more replicas than partitions', () => {
    const partitions = {
      sensors: TOPIC_DECLARATIONS.sensorReadings.partitions,
      orders: TOPIC_DECLARATIONS.orders.partitions,
    };
    const processors = vigilServices.filter(([, s]) => roleOf(s.command) === 'process');
    expect(processors).toHaveLength(2);
    for (const [name, s] of processors) {
      expect(s.container_name, name).toBeUndefined();
      expect(s.ports ?? [], name).toEqual([]);
      const stream = s.command?.[s.command.indexOf('--stream') + 1] as keyof typeof partitions;
      expect(partitions[stream], name).toBeGreaterThan(0);
      expect(s.deploy?.replicas ?? 1).toBeLessThanOrEqual(partitions[stream]);
    }
  });

  it('runs migrate once before the roles, after the infrastructure is healthy', () => {
    const migrate = compose.services.migrate;
    expect(migrate?.restart).toBe('no');
    expect(migrate?.depends_on).toEqual({
      kafka: { condition: 'service_healthy' },
      'schema-registry': { condition: 'service_healthy' },
      clickhouse: { condition: 'service_healthy' },
    });
    for (const [name, s] of vigilServices.filter(([n]) => n !== 'migrate')) {
      expect(s.depends_on?.migrate, name).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('keeps the topic names of the code (no prefix override) and lets only migrate create topics', () => {
    for (const [, s] of vigilServices)
      expect(envOf(s).VIGIL_TOPIC_PREFIX ?? defaultOf('VIGIL_TOPIC_PREFIX')).toBe('vigil.');
    expect(compose.services.kafka?.environment?.KAFKA_AUTO_CREATE_TOPICS_ENABLE).toBe('false');
  });

  it('shares one model store volume between every role that loads or registers models', () => {
    for (const [name, s] of vigilServices.filter(([n]) => n !== 'migrate')) {
      expect(s.volumes, name).toContain('vigil-models:/var/lib/vigil/models');
    }
    // The no-regression gate of a promotion (API) re-scores the candidate's training snapshot (trainer writes it).
    for (const name of ['api', 'trainer']) {
      expect(compose.services[name]?.volumes, name).toContain('vigil-datasets:/var/lib/vigil/datasets');
    }
  });
});

describe('docker-compose.yml: infrastructure and hygiene', () => {
  it('pins every image to an explicit version', () => {
    for (const [name, s] of services) {
      const tag = s.image?.slice(s.image.indexOf(':') + 1) ?? '';
      expect(tag, `${name}: ${s.image}`).toMatch(/\d/);
      expect(tag, name).not.toMatch(/latest/);
    }
    expect(compose.services.kafka?.image).toBe(`apache/kafka:${defaultOf('VIGIL_STACK_KAFKA_VERSION')}`);
    const pkg = JSON.parse(readRepoFile('package.json')) as { version: string };
    expect(compose.services.api?.image).toBe(`vigil:\${VIGIL_VERSION:-${pkg.version}}`);
  });

  it('runs Kafka in KRaft mode with Confluent Schema Registry, ClickHouse, Prometheus and Grafana', () => {
    expect(compose.services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller');
    expect(compose.services['schema-registry']?.image).toMatch(/^confluentinc\/cp-schema-registry:/);
    expect(compose.services.clickhouse?.image).toMatch(/^clickhouse\/clickhouse-server:/);
    expect(compose.services.prometheus?.image).toMatch(/^prom\/prometheus:/);
    expect(compose.services.grafana?.environment?.GF_INSTALL_PLUGINS).toMatch(/^grafana-clickhouse-datasource \d/);
  });

  it('has a healthcheck on every long-running infrastructure service', () => {
    for (const name of ['kafka', 'schema-registry', 'clickhouse', 'prometheus', 'grafana']) {
      expect(compose.services[name]?.healthcheck?.test, name).toBeDefined();
    }
  });

  it('declares every named volume and every secret file under secrets/ made by init-secrets.sh', () => {
    const init = readRepoFile('deploy/compose/init-secrets.sh');
    for (const [name, s] of services) {
      for (const volume of s.volumes ?? []) {
        const source = volume.split(':')[0] ?? '';
        if (source.startsWith('.') || source.startsWith('/')) {
          expect(existsSync(new URL(source, ROOT)), `${name}: bind mount ${source}`).toBe(true);
        } else {
          expect(compose.volumes, `${name}: volume ${source}`).toHaveProperty(source);
        }
      }
      for (const secret of s.secrets ?? []) expect(compose.secrets, `${name}: secret ${secret}`).toHaveProperty(secret);
    }
    for (const [name, secret] of Object.entries(compose.secrets)) {
      expect(secret.file).toBe(`./secrets/${name}`);
      expect(init).toContain(name);
    }
    expect(readRepoFile('.dockerignore')).toMatch(/^secrets$/m);
  });

  it('writes no secret value in the file or its env files', () => {
    for (const [name, s] of services) {
      for (const [key, value] of Object.entries(envOf(s))) {
        if (!/PASSWORD|SECRET|TOKEN|_KEY$/.test(key) || /_FILE$/.test(key)) continue;
        // Non-secret switches that only mention a key (VIGIL_API_BOOTSTRAP_KEY) are fine.
        expect(['true', 'false'], `${name}: ${key} holds a literal secret; use a secret file`).toContain(value);
      }
    }
  });

  it('gives Grafana every variable its provisioning files expand, and mounts them where they are read', () => {
    const grafana = compose.services.grafana;
    const provisioning = [
      readRepoFile('grafana/provisioning/datasources/vigil.yaml'),
      readRepoFile('grafana/provisioning/alerting/vigil-alerting.json'),
    ]
      .join('\n')
      .replace(/^\s*#.*$/gm, ''); // comments may mention $VAR
    const referenced = new Set([...provisioning.matchAll(/\$\{?([A-Z][A-Z0-9_]+)/g)].map((m) => m[1] ?? ''));
    const exported = new Set([...Object.keys(grafana?.environment ?? {}), 'VIGIL_GRAFANA_CLICKHOUSE_PASSWORD']);
    expect([...referenced].filter((v) => !exported.has(v))).toEqual([]);
    expect(grafana?.entrypoint?.join(' ')).toContain('VIGIL_GRAFANA_CLICKHOUSE_PASSWORD=');
    expect(grafana?.volumes).toEqual(
      expect.arrayContaining([
        './grafana/provisioning:/etc/grafana/provisioning:ro',
        './grafana/dashboards:/var/lib/grafana/dashboards/vigil:ro',
      ]),
    );
    expect(readRepoFile('grafana/provisioning/dashboards/vigil.yaml')).toContain('/var/lib/grafana/dashboards/vigil');
    expect(compose.services.prometheus?.volumes).toContain('./prometheus:/etc/prometheus:ro');
  });
});

/** `docker compose` (v2 plugin) or Debian's `docker-compose` (v1.29), whichever answers. */
function composeCli(): string[] | undefined {
  for (const candidate of [['docker', 'compose'], ['docker-compose']]) {
    const [bin, ...args] = candidate as [string, ...string[]];
    if (spawnSync(bin, [...args, 'version'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return undefined;
}

const cli = composeCli();

describe('docker compose config', () => {
  it.skipIf(cli === undefined)(
    `validates the file (${cli?.join(' ') ?? 'skipped: neither the docker compose plugin nor docker-compose is installed; .ci/run installs docker-compose'})`,
    () => {
      const [bin, ...args] = cli as [string, ...string[]];
      const run = (env: Record<string, string>) =>
        spawnSync(bin, [...args, '-f', 'docker-compose.yml', 'config', '-q'], {
          cwd: ROOT,
          encoding: 'utf8',
          env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', ...env },
        });
      const ok = run({ VIGIL_ALERT_WEBHOOK_URL: 'https://hooks.example.com/vigil' });
      expect(ok.stderr).toBe('');
      expect(ok.status).toBe(0);
      const missing = run({});
      expect(missing.status).not.toBe(0);
      expect(missing.stderr).toContain('set VIGIL_ALERT_WEBHOOK_URL');
    },
  );
});
