/** `vigil stack status`: each component with its process, ports, health and memory; remote ones are only checked. */
import { formatBytes } from './fetch.js';
import type { Health } from './health.js';
import { kafkaCheck, registryCheck } from './lifecycle.js';
import type { ComponentName, StackPlan } from './plan.js';
import { rssOf, runningProcess } from './processes.js';
import { registryReadyUrl } from './registry.js';

export interface ComponentStatus {
  readonly component: ComponentName;
  /** local: started and stopped by `vigil stack`; remote: configured elsewhere, only health-checked. */
  readonly mode: 'local' | 'remote';
  readonly state: 'running' | 'stopped' | 'remote';
  readonly pid: number | null;
  readonly address: string;
  readonly ports: Readonly<Record<string, number>>;
  readonly healthy: boolean;
  readonly detail: string;
  readonly rssBytes: number | null;
  readonly logFile: string | null;
}

export async function stackStatus(plan: StackPlan): Promise<ComponentStatus[]> {
  const [kafkaHealth, registryHealth] = await Promise.all([kafkaCheck(plan)(), registryCheck(plan)()]);
  return [await kafkaStatus(plan, kafkaHealth), await registryStatus(plan, registryHealth)];
}

async function kafkaStatus(plan: StackPlan, health: Health): Promise<ComponentStatus> {
  const kafka = plan.kafka;
  if (kafka.kind === 'remote') {
    return remote('kafka', kafka.brokers.join(','), health);
  }
  const running = await runningProcess(kafka.files.pidFile);
  return {
    component: 'kafka',
    mode: 'local',
    state: running ? 'running' : 'stopped',
    pid: running?.pid ?? null,
    address: `${kafka.host}:${kafka.port}`,
    ports: { broker: kafka.port, controller: kafka.controllerPort },
    healthy: health.healthy,
    detail: running || health.healthy ? foreignNote(running, health) : 'not running (`vigil stack up` starts it)',
    rssBytes: running ? (rssOf(running.pid) ?? null) : null,
    logFile: kafka.files.logFile,
  };
}

async function registryStatus(plan: StackPlan, health: Health): Promise<ComponentStatus> {
  const registry = plan.registry;
  if (registry.kind === 'remote') return remote('registry', registry.url, health);
  const running = await runningProcess(registry.files.pidFile);
  return {
    component: 'registry',
    mode: 'local',
    state: running ? 'running' : 'stopped',
    pid: running?.pid ?? null,
    address: registry.url,
    ports: { api: registry.port, management: registry.managementPort },
    healthy: health.healthy,
    detail:
      running || health.healthy
        ? foreignNote(running, health)
        : `not running (\`vigil stack up\` starts it; readiness at ${registryReadyUrl(registry)})`,
    rssBytes: running ? (rssOf(running.pid) ?? null) : null,
    logFile: registry.files.logFile,
  };
}

function foreignNote(running: unknown, health: Health): string {
  // Healthy without our pid: something else (another data directory, a hand-started server) serves the address.
  return running ? health.detail : `${health.detail} (served by a process this data directory did not start)`;
}

function remote(component: ComponentName, address: string, health: Health): ComponentStatus {
  return {
    component,
    mode: 'remote',
    state: 'remote',
    pid: null,
    address,
    ports: {},
    healthy: health.healthy,
    detail: health.detail,
    rssBytes: null,
    logFile: null,
  };
}

export function formatStatusTable(statuses: readonly ComponentStatus[]): string {
  const rows = [
    ['COMPONENT', 'STATE', 'PID', 'PORTS', 'HEALTH', 'RSS', 'DETAIL'],
    ...statuses.map((s) => [
      s.component,
      s.state,
      s.pid === null ? '-' : String(s.pid),
      Object.entries(s.ports)
        .map(([name, port]) => `${name} ${port}`)
        .join(', ') || s.address,
      s.healthy ? 'healthy' : 'UNHEALTHY',
      s.rssBytes === null ? '-' : formatBytes(s.rssBytes),
      s.detail,
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return `${rows.map((r) => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ')).join('\n')}\n`;
}
