/**
 * Secrets never reach the logs. A full session as an operator runs it, each step a real `vigil` process at
 * LOG_LEVEL=debug with passwords configured: migrate, `keys create`, `vigil serve` answering good, wrong and
 * malformed keys, an ingest published to Kafka, a shutdown. Every log line (stderr: pino) is scanned for the API
 * keys (whole token and secret part) and the passwords; stdout may show a created key once, where the operator
 * is meant to copy it, and nowhere else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { freePort } from '../../stack/index.js';
import { freshKafkaEnv } from '../helpers/kafka.js';
import { waitFor } from '../helpers/wait.js';
import { pumpReadings } from './serving-fixture.js';

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-secrets-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

function vigil(args: string[], env: Record<string, string>): Run {
  const child = spawn(process.execPath, ['bin/vigil.js', ...args], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout?.on('data', (c) => {
    out += c;
  });
  child.stderr?.on('data', (c) => {
    err += c;
  });
  return { child, stdout: () => out, stderr: () => err };
}

function exit(run: Run): Promise<number | null> {
  if (run.child.exitCode !== null) return Promise.resolve(run.child.exitCode);
  return new Promise((resolve) => run.child.once('exit', (code) => resolve(code)));
}

const REGISTRY_PASSWORD = 'registry-pw-Zq81x0';
const CLICKHOUSE_PASSWORD = 'clickhouse-pw-Jv42m9';

describe('secrets in logs', () => {
  it('a migrate + keys + serve + ingest session logs no key and no password', { timeout: 300_000 }, async () => {
    const port = await freePort();
    const { env: kafkaEnv } = await freshKafkaEnv();
    const env: Record<string, string> = {
      ...kafkaEnv,
      VIGIL_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: 'secrets',
      LOG_LEVEL: 'debug',
      SCHEMA_REGISTRY_URL: inject('schemaRegistryUrl'),
      SCHEMA_REGISTRY_USERNAME: 'vigil',
      SCHEMA_REGISTRY_PASSWORD: REGISTRY_PASSWORD,
      CLICKHOUSE_PASSWORD,
      VIGIL_API_PORT: String(port),
      VIGIL_METRICS_PORT: '0',
    };
    const logs: string[] = [];
    const stdouts: string[] = [];
    const finish = async (run: Run) => {
      const code = await exit(run);
      logs.push(run.stderr());
      stdouts.push(run.stdout());
      return code;
    };

    const migrate = vigil(['migrate', '--only', 'clickhouse'], env);
    expect(await finish(migrate), migrate.stderr()).toBe(0);
    const create = vigil(['keys', 'create', '--role', 'admin', '--name', 'secrets-scan'], env);
    expect(await finish(create), create.stderr()).toBe(0);
    const token = /\n {2}(\S+)\n/.exec(create.stdout())?.[1];
    expect(token).toBeDefined();
    const secret = token!.split('_').slice(2).join('_');
    expect(secret.length).toBeGreaterThanOrEqual(32);
    const wrongToken = `${token!.slice(0, -6)}AAAAAA`;

    const serve = vigil(['serve'], env);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor(async () => (await fetch(`${base}/healthz`)).ok, {
        description: 'vigil serve to answer /healthz',
        timeoutMs: 120_000,
        intervalMs: 250,
      });
      const call = (path: string, auth: string, init: RequestInit = {}) =>
        fetch(`${base}${path}`, { ...init, headers: { authorization: auth, ...(init.headers ?? {}) } });
      expect((await call('/v1/me', `Bearer ${token}`)).status).toBe(200);
      expect((await call('/v1/me', `Bearer ${wrongToken}`)).status).toBe(401);
      expect(
        (await call('/v1/me', `Basic ${Buffer.from(`vigil:${REGISTRY_PASSWORD}`).toString('base64')}`)).status,
      ).toBe(401);
      expect((await call(`/v1/me?api_key=${token}`, 'Bearer nonsense')).status).toBe(401);
      const ingest = await call('/v1/ingest', `Bearer ${token}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ readings: pumpReadings(1).slice(0, 10) }),
      });
      expect(ingest.status, await ingest.clone().text()).toBeLessThan(300);
    } finally {
      serve.child.kill('SIGTERM');
      await finish(serve);
    }

    const allLogs = logs.join('\n');
    // The scan must have something to read: the session logged its requests.
    expect(allLogs.split('\n').length).toBeGreaterThan(10);
    for (const needle of [
      token!,
      secret,
      wrongToken,
      wrongToken.split('_').slice(2).join('_'),
      REGISTRY_PASSWORD,
      CLICKHOUSE_PASSWORD,
    ]) {
      expect(allLogs.includes(needle), `a secret (${needle.slice(0, 6)}...) is in the logs`).toBe(false);
    }
    // stdout: the created key once (keys create), nothing else of it; no password anywhere.
    const allStdout = stdouts.join('\n');
    expect(allStdout.split(secret).length - 1).toBe(1);
    expect(allStdout).not.toContain(REGISTRY_PASSWORD);
    expect(allStdout).not.toContain(CLICKHOUSE_PASSWORD);
  });
});
