/**
 * What the local stack is on this machine, derived from the config alone (pure: no I/O). The broker and registry
 * listen on the ports of KAFKA_BROKERS and SCHEMA_REGISTRY_URL when those point at this machine; when they point
 * elsewhere the component is "remote" and `vigil stack` starts nothing for it, only checks its health.
 */
import { resolve } from 'node:path';
import type { Config } from '../core/config/index.js';
import { stackError } from './errors.js';

export type ComponentName = 'kafka' | 'registry';
export const COMPONENTS: readonly ComponentName[] = ['kafka', 'registry'];

/** Files of one locally managed component, all under `<dataDir>/stack/<component>/`. */
export interface ComponentFiles {
  readonly dir: string;
  readonly pidFile: string;
  readonly logFile: string;
}

export interface LocalKafka {
  readonly kind: 'local';
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly controllerPort: number;
  readonly heap: string;
  readonly files: ComponentFiles & { readonly dataDir: string; readonly properties: string; readonly log4j: string };
  /** Unpacked distribution: every jar of the broker, fetched once. */
  readonly libDir: string;
}

export interface LocalRegistry {
  readonly kind: 'local';
  readonly version: string;
  readonly host: string;
  readonly port: number;
  readonly managementPort: number;
  readonly heap: string;
  /** The Confluent-compatible API base URL clients use (SCHEMA_REGISTRY_URL). */
  readonly url: string;
  readonly files: ComponentFiles;
  /** Unpacked Apicurio distribution (holds quarkus-run.jar), fetched once. */
  readonly appDir: string;
}

/** Credentials of a remote server, used only by the health checks of `status` and the test setup. */
export interface RemoteKafkaAuth {
  readonly ssl: boolean;
  readonly sasl?: {
    readonly mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512';
    readonly username: string;
    readonly password: string;
  };
}

export interface RemoteKafka {
  readonly kind: 'remote';
  readonly brokers: readonly string[];
  readonly auth: RemoteKafkaAuth;
}

export interface RemoteRegistry {
  readonly kind: 'remote';
  readonly url: string;
  readonly auth?: { readonly username: string; readonly password: string };
}

export interface StackPlan {
  readonly dataDir: string;
  /** `<dataDir>/stack`: distributions, component state, the lock file. */
  readonly root: string;
  readonly distDir: string;
  readonly kafka: LocalKafka | RemoteKafka;
  readonly registry: LocalRegistry | RemoteRegistry;
  readonly startTimeoutMs: number;
  readonly stopTimeoutMs: number;
  readonly javaHome: string | undefined;
  readonly java21Home: string | undefined;
  readonly maven: string;
  /** Things a user should know about the plan (e.g. a registry URL path Apicurio does not serve). */
  readonly notes: readonly string[];
}

const LOCAL_HOSTS = new Set(['localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOCAL_HOSTS.has(host.toLowerCase()) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function splitHostPort(hostPort: string): { host: string; port: number } {
  const at = hostPort.lastIndexOf(':');
  return { host: hostPort.slice(0, at), port: Number(hostPort.slice(at + 1)) };
}

function filesOf(root: string, name: ComponentName): ComponentFiles {
  const dir = resolve(root, name);
  return { dir, pidFile: resolve(dir, `${name}.pid`), logFile: resolve(dir, `${name}.log`) };
}

export const CCOMPAT_PATH = '/apis/ccompat/v7';

export function planStack(config: Config): StackPlan {
  const dataDir = resolve(config.general.dataDir);
  const root = resolve(dataDir, 'stack');
  const distDir = resolve(root, 'dist');
  const notes: string[] = [];
  const s = config.stack;

  const brokers = config.kafka.brokers;
  const parsedBrokers = brokers.map(splitHostPort);
  let kafka: LocalKafka | RemoteKafka;
  const first = parsedBrokers[0];
  if (first && parsedBrokers.every((b) => isLoopbackHost(b.host))) {
    const files = filesOf(root, 'kafka');
    kafka = {
      kind: 'local',
      version: s.kafkaVersion,
      host: '127.0.0.1',
      port: first.port,
      controllerPort: s.controllerPort ?? first.port + 1,
      heap: s.kafkaHeap,
      files: {
        ...files,
        dataDir: resolve(files.dir, 'data'),
        properties: resolve(files.dir, 'server.properties'),
        log4j: resolve(files.dir, 'log4j2.properties'),
      },
      libDir: resolve(distDir, `kafka-${s.kafkaVersion}`, 'libs'),
    };
    if (parsedBrokers.length > 1)
      notes.push(`KAFKA_BROKERS lists ${brokers.length} brokers; one local broker serves ${first.port}.`);
  } else {
    const { ssl, saslMechanism, saslUsername, saslPassword } = config.kafka;
    kafka = {
      kind: 'remote',
      brokers,
      auth: {
        ssl,
        ...(saslMechanism && saslUsername && saslPassword
          ? { sasl: { mechanism: saslMechanism, username: saslUsername, password: saslPassword } }
          : {}),
      },
    };
  }

  const url = new URL(config.registry.url);
  let registry: LocalRegistry | RemoteRegistry;
  if (isLoopbackHost(url.hostname)) {
    if (kafka.kind !== 'local') {
      throw stackError('VIGIL_STACK_REGISTRY_NEEDS_LOCAL_KAFKA', {
        url: config.registry.url,
        brokers: brokers.join(','),
      });
    }
    const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
    if (url.protocol !== 'http:')
      notes.push('SCHEMA_REGISTRY_URL uses https: the local registry serves plain http only.');
    if (url.pathname.replace(/\/+$/, '') !== CCOMPAT_PATH) {
      notes.push(
        `SCHEMA_REGISTRY_URL's path is "${url.pathname}"; the local registry serves the Confluent API at ${CCOMPAT_PATH}.`,
      );
    }
    registry = {
      kind: 'local',
      version: s.registryVersion,
      host: '127.0.0.1',
      port,
      managementPort: s.registryManagementPort ?? port + 1000,
      heap: s.registryHeap,
      url: `http://127.0.0.1:${port}${CCOMPAT_PATH}`,
      files: filesOf(root, 'registry'),
      appDir: resolve(distDir, `apicurio-registry-${s.registryVersion}`),
    };
  } else {
    const { username, password } = config.registry;
    registry = {
      kind: 'remote',
      url: config.registry.url,
      ...(username && password ? { auth: { username, password } } : {}),
    };
  }

  checkPortsDiffer(kafka, registry);
  return {
    dataDir,
    root,
    distDir,
    kafka,
    registry,
    startTimeoutMs: s.startTimeoutMs,
    stopTimeoutMs: s.stopTimeoutMs,
    javaHome: s.javaHome,
    java21Home: s.java21Home,
    maven: s.maven,
    notes,
  };
}

/** Every port the local stack listens on, with what it is for and the variable that moves it. */
export interface PortUse {
  readonly component: ComponentName;
  readonly port: number;
  readonly purpose: string;
  readonly variable: string;
}

export function portsOf(plan: Pick<StackPlan, 'kafka' | 'registry'>, component?: ComponentName): PortUse[] {
  const uses: PortUse[] = [];
  const { kafka, registry } = plan;
  if (kafka.kind === 'local' && component !== 'registry') {
    uses.push({ component: 'kafka', port: kafka.port, purpose: 'Kafka broker', variable: 'KAFKA_BROKERS' });
    uses.push({
      component: 'kafka',
      port: kafka.controllerPort,
      purpose: 'KRaft controller',
      variable: 'VIGIL_STACK_KAFKA_CONTROLLER_PORT',
    });
  }
  if (registry.kind === 'local' && component !== 'kafka') {
    uses.push({
      component: 'registry',
      port: registry.port,
      purpose: 'schema registry',
      variable: 'SCHEMA_REGISTRY_URL',
    });
    uses.push({
      component: 'registry',
      port: registry.managementPort,
      purpose: 'registry management/health',
      variable: 'VIGIL_STACK_REGISTRY_MANAGEMENT_PORT',
    });
  }
  return uses;
}

function checkPortsDiffer(kafka: LocalKafka | RemoteKafka, registry: LocalRegistry | RemoteRegistry): void {
  const byPort = new Map<number, PortUse[]>();
  for (const use of portsOf({ kafka, registry })) byPort.set(use.port, [...(byPort.get(use.port) ?? []), use]);
  for (const [port, uses] of byPort) {
    if (uses.length > 1) {
      throw stackError('VIGIL_STACK_PORT_CONFLICT', {
        port,
        uses: uses.map((u) => u.purpose).join(' and '),
        variables: [...new Set(uses.map((u) => u.variable))].join(' or '),
      });
    }
  }
}
