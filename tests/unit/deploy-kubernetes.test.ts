/**
 * The Kubernetes manifests (deploy/kubernetes, kustomize): rendered with kustomize, validated offline by kubeconform
 * against the Kubernetes v1.33 schemas (deploy/tools/install.sh), and checked against the code like the compose file:
 * known variables, required ones set and accepted by the config, metrics ports where Prometheus looks, processors
 * never above their topic's partitions, secrets only as mounted files, non-root pods.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../../core/config/index.js';
import { TOPIC_DECLARATIONS } from '../../core/topics.js';
import {
  defaultOf,
  METRICS_PORT_ENV,
  parseEnvFile,
  ROOT,
  readRepoFile,
  roleOf,
  unknownEnvProblem,
} from './deploy-recipe.js';

const root = fileURLToPath(ROOT);
const tools = `${root}.vigil/tools`;
const SCHEMA_VERSION = '1.33.0';
const schemaDir = `${tools}/k8s-schemas/v${SCHEMA_VERSION}-standalone-strict`;

/** kustomize from deploy/tools/install.sh, else the one built into kubectl. */
function kustomizeCommand(): string[] | undefined {
  if (existsSync(`${tools}/kustomize`)) return [`${tools}/kustomize`, 'build'];
  if (spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0) return ['kubectl', 'kustomize'];
  return undefined;
}

const kustomize = kustomizeCommand();
const OVERLAYS = ['deploy/kubernetes/base', 'deploy/kubernetes/overlays/production'];

interface Container {
  name: string;
  image: string;
  args?: string[];
  env?: { name: string; value?: string }[];
  envFrom?: { configMapRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  volumeMounts?: { name: string; mountPath: string }[];
  securityContext?: Record<string, unknown>;
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodSpec {
  containers: Container[];
  securityContext?: { runAsNonRoot?: boolean };
  volumes?: { name: string; secret?: { secretName: string } }[];
}
interface Resource {
  kind: string;
  metadata: { name: string; annotations?: Record<string, string> };
  data?: Record<string, string>;
  spec?: {
    replicas?: number;
    suspend?: boolean;
    selector?: Record<string, unknown>;
    ports?: { port: number; targetPort: string | number }[];
    template?: { metadata?: { annotations?: Record<string, string>; labels?: Record<string, string> }; spec: PodSpec };
  };
}

function render(dir: string): { yaml: string; resources: Resource[] } {
  const [bin, ...args] = kustomize as [string, ...string[]];
  const run = spawnSync(bin, [...args, dir], { cwd: root, encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`${bin} ${args.join(' ')} ${dir} failed: ${run.stderr}`);
  return { yaml: run.stdout, resources: parseAllDocuments(run.stdout).map((d) => d.toJS() as Resource) };
}

describe.skipIf(kustomize === undefined)('Kubernetes manifests (deploy/kubernetes)', () => {
  const rendered = Object.fromEntries(OVERLAYS.map((dir) => [dir, render(dir)]));
  const production = rendered['deploy/kubernetes/overlays/production']?.resources ?? [];
  const workloads = (resources: Resource[]) => resources.filter((r) => r.kind === 'Deployment' || r.kind === 'Job');
  const containerOf = (r: Resource) => r.spec?.template?.spec.containers[0] as Container;
  const configMap = production.find((r) => r.kind === 'ConfigMap' && r.metadata.name.startsWith('vigil-config'));

  it.skipIf(!existsSync(`${tools}/kubeconform`) || !existsSync(schemaDir))(
    `validates against the Kubernetes v${SCHEMA_VERSION} schemas with kubeconform -strict (needs deploy/tools/install.sh)`,
    () => {
      for (const [dir, { yaml }] of Object.entries(rendered)) {
        const run = spawnSync(
          `${tools}/kubeconform`,
          [
            '-strict',
            '-summary',
            '-kubernetes-version',
            SCHEMA_VERSION,
            '-schema-location',
            `${tools}/k8s-schemas/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json`,
            '-',
          ],
          { input: yaml, encoding: 'utf8' },
        );
        expect(run.stdout + run.stderr, dir).toMatch(/Invalid: 0, Errors: 0, Skipped: 0/);
        expect(run.status, `${dir}: ${run.stdout}`).toBe(0);
      }
    },
  );

  it('has every role: processors per stream, API + Service, monitor, migrate Job, training Job', () => {
    const byName = new Map(production.map((r) => [`${r.kind}/${r.metadata.name}`, r]));
    for (const name of [
      'Deployment/vigil-processor-sensors',
      'Deployment/vigil-processor-orders',
      'Deployment/vigil-api',
      'Service/vigil-api',
      'Deployment/vigil-monitor',
      'Job/vigil-migrate',
      'Job/vigil-train',
      'PersistentVolumeClaim/vigil-models',
    ]) {
      expect(byName.has(name), name).toBe(true);
    }
    expect(containerOf(byName.get('Job/vigil-train') as Resource).image).toMatch(/vigil-training:\d/);
    expect(byName.get('Job/vigil-train')?.spec?.suspend).toBe(true);
  });

  it('never runs more processors than their topic has partitions', () => {
    const partitions = {
      sensors: TOPIC_DECLARATIONS.sensorReadings.partitions,
      orders: TOPIC_DECLARATIONS.orders.partitions,
    };
    for (const [dir, { resources }] of Object.entries(rendered)) {
      for (const r of resources.filter((x) => x.kind === 'Deployment' && roleOf(containerOf(x).args) === 'process')) {
        const args = containerOf(r).args ?? [];
        const stream = args[args.indexOf('--stream') + 1] as keyof typeof partitions;
        expect(r.spec?.replicas ?? 1, `${dir}: ${r.metadata.name}`).toBeLessThanOrEqual(partitions[stream]);
      }
    }
  });

  it('sets only declared variables, the required ones, and a config the code accepts', () => {
    expect(configMap).toBeDefined();
    const shared = configMap?.data ?? {};
    expect(shared).toEqual(parseEnvFile(readRepoFile('deploy/kubernetes/base/vigil.env')));
    for (const r of workloads(production)) {
      const c = containerOf(r);
      expect(c.envFrom?.[0]?.configMapRef?.name, r.metadata.name).toBe(configMap?.metadata.name);
      const env: Record<string, string> = { ...shared };
      for (const e of c.env ?? []) env[e.name] = e.value ?? '';
      const problems = Object.keys(env).flatMap((name) => {
        const problem = unknownEnvProblem(name);
        return problem ? [`${r.metadata.name}: ${problem}`] : [];
      });
      expect(problems).toEqual([]);
      for (const required of ['KAFKA_BROKERS', 'SCHEMA_REGISTRY_URL', 'CLICKHOUSE_URL']) {
        expect(env[required], `${r.metadata.name}: ${required}`).toBeTruthy();
      }
      // Secrets arrive as files mounted from the Secret; cli/context.ts reads them (stand-in values here).
      const resolved: Record<string, string> = { ...env };
      for (const [name, value] of Object.entries(env)) {
        if (!name.endsWith('_FILE')) continue;
        const mount = c.volumeMounts?.find((m) => value.startsWith(`${m.mountPath}/`));
        expect(mount?.name, `${r.metadata.name}: ${name} is on a mounted volume`).toBe('credentials');
        resolved[name.slice(0, -'_FILE'.length)] = 'secret';
      }
      expect(() => loadConfig(resolved), r.metadata.name).not.toThrow();
      expect(r.spec?.template?.spec.volumes?.find((v) => v.name === 'credentials')?.secret?.secretName).toBe(
        'vigil-credentials',
      );
    }
  });

  it('writes no secret value: no password in the ConfigMap or in plain env values', () => {
    for (const key of Object.keys(configMap?.data ?? {})) expect(key).not.toMatch(/PASSWORD|SECRET|TOKEN/);
    for (const r of workloads(production)) {
      for (const e of containerOf(r).env ?? []) {
        if (/PASSWORD|SECRET|TOKEN/.test(e.name)) expect(e.name, r.metadata.name).toMatch(/_FILE$/);
      }
    }
    expect(production.some((r) => r.kind === 'Secret')).toBe(false);
  });

  it('serves /metrics and probes on the ports the code listens on and the scrape annotations name', () => {
    for (const r of production.filter((x) => x.kind === 'Deployment')) {
      const c = containerOf(r);
      const portEnv = METRICS_PORT_ENV[roleOf(c.args)] ?? '';
      const port = Number(c.env?.find((e) => e.name === portEnv)?.value ?? defaultOf(portEnv));
      expect(r.spec?.template?.metadata?.annotations?.['prometheus.io/port'], r.metadata.name).toBe(String(port));
      expect(
        c.ports?.map((p) => p.containerPort),
        r.metadata.name,
      ).toContain(port);
      expect(c.livenessProbe?.httpGet?.path, r.metadata.name).toBe('/healthz');
      const hostEnv = roleOf(c.args) === 'monitor' ? 'VIGIL_MONITOR_METRICS_HOST' : 'VIGIL_API_HOST';
      expect(c.env?.find((e) => e.name === hostEnv)?.value, `${r.metadata.name} listens beyond localhost`).toBe(
        '0.0.0.0',
      );
    }
    const service = production.find((r) => r.kind === 'Service' && r.metadata.name === 'vigil-api');
    expect(service?.spec?.ports?.[0]?.port).toBe(Number(defaultOf('VIGIL_API_PORT')));
  });

  it('mounts the model store and the training snapshots where the registry looks for them', () => {
    for (const r of workloads(production).filter((x) => x.metadata.name !== 'vigil-migrate')) {
      const mounts = containerOf(r).volumeMounts ?? [];
      for (const path of ['/var/lib/vigil/models', '/var/lib/vigil/datasets']) {
        expect(mounts.find((m) => m.mountPath === path)?.name, `${r.metadata.name}: ${path}`).toBe('models');
      }
    }
  });

  it('runs every pod as non-root with a read-only root filesystem', () => {
    for (const r of workloads(production)) {
      expect(r.spec?.template?.spec.securityContext?.runAsNonRoot, r.metadata.name).toBe(true);
      expect(containerOf(r).securityContext, r.metadata.name).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
      });
    }
  });
});

describe('Kubernetes manifests: tools', () => {
  it('renders with kustomize (deploy/tools/install.sh or kubectl)', () => {
    expect(
      kustomize,
      'neither .vigil/tools/kustomize nor kubectl is installed: run bash deploy/tools/install.sh',
    ).toBeDefined();
  });
});
