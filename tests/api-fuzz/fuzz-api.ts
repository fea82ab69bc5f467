/**
 * Fuzzes a real `vigil serve` from its own OpenAPI document with schemathesis (PyPI, pinned in requirements.lock,
 * installed by setup.sh into tests/api-fuzz/.venv). Used by tests/integration/reliability-api-fuzz.test.ts (small,
 * CI) and tests/reliability/api-fuzz.test.ts (long). The server runs as operators run it: `vigil migrate`, an
 * admin key from `vigil keys create`, `vigil serve` on a free port, each a child process on a data directory of
 * the caller's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from '../../stack/index.js';
import { exitOf, spawnVigil } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';

const here = 'tests/api-fuzz';

/** The parts of schemathesis' JSON report (`--report json`) the tests read. */
export interface SchemathesisReport {
  readonly schemathesis_version: string;
  readonly running_time: number;
  readonly stop_reason: string;
  readonly exit_code: number;
  readonly operations: { total: number; selected: number; tested: number; errored: number };
  readonly phases: Record<string, { status: string }>;
  readonly test_cases: { generated: number; with_failures: number; unique_failures: number; errored: number };
  readonly failures: readonly { code: string; title: string; count: number; operations: readonly string[] }[];
  readonly errors: readonly unknown[];
}

export interface FuzzOptions {
  /** Environment of every `vigil` child: data directory, database, Kafka, registry. */
  readonly env: Record<string, string>;
  /** Directory for the report. */
  readonly workDir: string;
  /** schemathesis --max-examples (per operation and phase). */
  readonly maxExamples: number;
  /** schemathesis --max-time: the whole run stops there (fuzzing and stateful phases repeat until it is spent). */
  readonly maxSeconds: number;
  readonly seed: number;
}

export interface FuzzRun {
  readonly exitCode: number | null;
  readonly report: SchemathesisReport;
  /** schemathesis' console output (failures with curl reproducers; the key is masked by schemathesis). */
  readonly output: string;
  /** `vigil serve` log lines at level error (a 500 is always logged there). */
  readonly serverErrors: readonly string[];
  /** The running server, for extra requests before it stops (closed by `stop`). */
  readonly baseUrl: string;
  readonly token: string;
  stop(): Promise<number | null>;
}

function run(cmd: string, args: readonly string[], env: Record<string, string> = {}, cwd?: string) {
  const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let output = '';
  child.stdout?.on('data', (c) => {
    output += c;
  });
  child.stderr?.on('data', (c) => {
    output += c;
  });
  return { child, output: () => output };
}

/** Creates or checks tests/api-fuzz/.venv (idempotent; ~40 s the first time on a fresh machine). */
export async function ensureSchemathesis(): Promise<string> {
  const setup = run('bash', [join(here, 'setup.sh')]);
  const code = await exitOf(setup.child);
  if (code !== 0) throw new Error(`tests/api-fuzz/setup.sh failed (${code}):\n${setup.output()}`);
  return resolve(here, '.venv', 'bin', 'st');
}

/** Migrates, creates an admin key and starts `vigil serve`; resolves once /healthz answers. */
export async function startServe(env: Record<string, string>): Promise<{
  baseUrl: string;
  token: string;
  serve: ChildProcess & { output: () => string };
}> {
  const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], env);
  if ((await exitOf(migrate)) !== 0) throw new Error(`vigil migrate failed:\n${migrate.output()}`);
  const create = spawnVigil(['keys', 'create', '--role', 'admin', '--name', 'api-fuzz'], env);
  if ((await exitOf(create)) !== 0) throw new Error(`vigil keys create failed:\n${create.output()}`);
  const token = /\n {2}(vgl_\S+)\n/.exec(create.output())?.[1];
  if (token === undefined) throw new Error(`no key in the output of vigil keys create:\n${create.output()}`);
  const port = await freePort();
  const serve = spawnVigil(['serve'], {
    ...env,
    VIGIL_API_HOST: '127.0.0.1',
    VIGIL_API_PORT: String(port),
    VIGIL_METRICS_PORT: '0',
    // The fuzzer sends thousands of requests with one key: the per-key limit would answer most of them 429.
    VIGIL_API_RATE_LIMIT: '10000000',
  });
  const baseUrl = `http://127.0.0.1:${port}`;
  await stopOnFailure(serve, () =>
    waitFor(
      async () => {
        if (serve.exitCode !== null) throw new Error(`vigil serve exited ${serve.exitCode}:\n${serve.output()}`);
        return (await fetch(`${baseUrl}/healthz`)).ok;
      },
      { description: 'vigil serve to answer /healthz', timeoutMs: 120_000, intervalMs: 250 },
    ),
  );
  return { baseUrl, token, serve };
}

/** Runs `fn`; if it throws, the server is stopped first (a failed test leaves no `vigil serve` behind). */
async function stopOnFailure<T>(serve: ChildProcess, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    serve.kill('SIGTERM');
    await exitOf(serve);
    throw error;
  }
}

export async function fuzzApi(options: FuzzOptions): Promise<FuzzRun> {
  const st = await ensureSchemathesis();
  const { baseUrl, token, serve } = await startServe(options.env);
  return stopOnFailure(serve, () => runSchemathesis(st, options, baseUrl, token, serve));
}

async function runSchemathesis(
  st: string,
  options: FuzzOptions,
  baseUrl: string,
  token: string,
  serve: ChildProcess & { output: () => string },
): Promise<FuzzRun> {
  const reportPath = resolve(options.workDir, 'schemathesis-report.json');
  const fuzz = run(
    st,
    [
      'run',
      `${baseUrl}/docs/json`,
      '--header',
      `Authorization: Bearer ${token}`,
      '--checks',
      'not_a_server_error,response_schema_conformance',
      '--max-examples',
      String(options.maxExamples),
      '--max-time',
      String(options.maxSeconds),
      '--seed',
      String(options.seed),
      // Server-sent events never end: a request to the live alert stream would only time out.
      '--exclude-path',
      '/v1/live/alerts',
      // One worker: the server shares the machine's two cores with the fuzzer.
      '--workers',
      '1',
      '--request-timeout',
      '60',
      '--report',
      'json',
      '--report-json-path',
      reportPath,
    ],
    { NO_COLOR: '1' },
    // schemathesis and Hypothesis keep their databases in the working directory (.schemathesis/, .hypothesis/).
    options.workDir,
  );
  const exitCode = await exitOf(fuzz.child);
  const report = JSON.parse(readFileSync(reportPath, 'utf8')) as SchemathesisReport;
  const serverErrors = () =>
    serve
      .output()
      .split('\n')
      .filter((line) => line.includes('"level":50'));
  return {
    exitCode,
    report,
    output: fuzz.output(),
    get serverErrors() {
      return serverErrors();
    },
    baseUrl,
    token,
    async stop() {
      serve.kill('SIGTERM');
      return exitOf(serve);
    },
  };
}
