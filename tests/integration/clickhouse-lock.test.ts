/**
 * One process owns an embedded ClickHouse data directory. A second process opening it must get an error that
 * names the owner's pid and the directory and says what to do, not chDB's "Failed to create connection".
 */
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestClickHouse, serverUrl, type TestClickHouse } from '../helpers/clickhouse.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** A child process that opens ClickHouse with the given environment and prints the outcome as JSON. */
function openInChild(env: Readonly<Record<string, string>>): Promise<{ ok: boolean; code?: string; message?: string }> {
  const script = join(tmpdir(), `vigil-open-clickhouse-${process.pid}.mts`);
  writeFileSync(
    script,
    `import { createClickHouse } from ${JSON.stringify(join(ROOT, 'adapters/clickhouse/index.ts'))};
import { createLogger } from ${JSON.stringify(join(ROOT, 'adapters/logger.ts'))};
import { loadConfig } from ${JSON.stringify(join(ROOT, 'core/config/index.ts'))};
try {
  const ch = await createClickHouse(loadConfig(process.env), createLogger('silent'));
  await ch.close();
  console.log(JSON.stringify({ ok: true }));
} catch (error) {
  console.log(JSON.stringify({ ok: false, code: error.code, message: error.message }));
}
`,
  );
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
    });
    child.on('error', reject);
    child.on('close', (code) => {
      rmSync(script, { force: true });
      const line = out.trim().split('\n').pop() ?? '';
      try {
        resolve(JSON.parse(line));
      } catch {
        reject(new Error(`child exited ${code} without a result; stdout: ${out} stderr: ${err}`));
      }
    });
  });
}

describe.skipIf(serverUrl !== undefined)('the embedded data directory lock', () => {
  let db: TestClickHouse;
  beforeAll(async () => {
    db = await openTestClickHouse({ migrate: false });
  });
  afterAll(async () => {
    await db?.close();
  });

  it('tells a second process which pid owns the directory and how to proceed', async () => {
    const result = await openInChild(db.env);
    expect(result.ok).toBe(false);
    expect(result.code).toBe('VIGIL_CLICKHOUSE_DATA_DIR_LOCKED');
    expect(result.message).toContain(`pid ${process.pid}`);
    expect(result.message).toContain(join(String(db.dataDir), 'chdb'));
    expect(result.message).toContain('VIGIL_DATA_DIR');
    expect(result.message).toContain('CLICKHOUSE_URL');
    expect(await db.ch.query('SELECT 1 AS one')).toEqual([{ one: 1 }]); // the owner is unaffected
  });

  it('lets the other process in once the owner has closed', async () => {
    const env = db.env;
    // Keep the directory: closing the last user would remove it.
    const dataDir = String(db.dataDir);
    const database = db.database;
    await db.ch.close();
    const result = await openInChild({ ...env, VIGIL_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: database });
    expect(result).toEqual({ ok: true });
  });
});
