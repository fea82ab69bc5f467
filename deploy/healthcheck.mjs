// Container health probe (Dockerfile HEALTHCHECK), role-aware without extra configuration: it finds the running
// `vigil <role>` process in /proc and asks that role's /healthz. The ports are Vigil's own variables with the
// defaults of core/config (tests/unit/deploy-image.test.ts keeps them equal). Roles without a listener (migrate,
// produce, models, keys, train) are healthy while their process runs. Plain JavaScript: it must start in
// milliseconds, so it does not load the TypeScript config through tsx.
import { readdirSync, readFileSync } from 'node:fs';

export const PORT_OF_ROLE = {
  serve: { env: 'VIGIL_API_PORT', fallback: '8080' },
  demo: { env: 'VIGIL_API_PORT', fallback: '8080' },
  process: { env: 'VIGIL_METRICS_PORT', fallback: '9464' },
  monitor: { env: 'VIGIL_MONITOR_METRICS_PORT', fallback: '9465' },
};

/** The role of the first `bin/vigil.js <role>` process found, or undefined. */
export function runningRole(procRoot = '/proc') {
  for (const pid of readdirSync(procRoot).filter((name) => /^\d+$/.test(name))) {
    let argv;
    try {
      argv = readFileSync(`${procRoot}/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // the process ended while we looked
    }
    const at = argv.findIndex((arg) => arg.endsWith('bin/vigil.js'));
    if (at >= 0) return argv[at + 1] ?? '';
  }
  return undefined;
}

async function probe() {
  const role = runningRole();
  if (role === undefined) return 'no vigil process is running';
  const port = PORT_OF_ROLE[role];
  if (port === undefined) return null;
  const url = `http://127.0.0.1:${process.env[port.env] || port.fallback}/healthz`;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(4_000) });
    return response.ok ? null : `${url} answered HTTP ${response.status}`;
  } catch (error) {
    return `${url} did not answer: ${error instanceof Error ? error.message : String(error)}`;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const problem = await probe();
  if (problem !== null) {
    process.stderr.write(`unhealthy: ${problem}\n`);
    process.exit(1);
  }
}
