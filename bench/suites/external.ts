/**
 * Suites other engineers own (bench/replay.ts, bench/serving.ts): run when present, each in its own process with
 * the bench's environment; their stdout goes into the report as they print it.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export async function runExternal(
  file: string,
  args: string[],
  env: Record<string, string>,
): Promise<string | undefined> {
  if (!existsSync(file)) return undefined;
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 600_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  return code === 0 ? out.trim() : `${file} exited with ${code}; output: ${out.trim().slice(-500)}`;
}
