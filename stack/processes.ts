/**
 * Detached component processes: started so they outlive the CLI, tracked by a pid file, recognised by a marker in
 * their command line (so a recycled pid is never mistaken for ours), stopped with SIGTERM then SIGKILL.
 */
import { spawn } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import type { Env } from '../core/config/index.js';
import type { ComponentName } from './plan.js';

export interface PidRecord {
  readonly pid: number;
  readonly component: ComponentName;
  /** Appears in the process's command line (a -D flag); proves a live pid is still our process. */
  readonly marker: string;
  readonly startedAt: string;
}

/** The JVM flag that marks a component process as belonging to one stack directory. */
export function markerFor(component: ComponentName, stackRoot: string): string {
  return `-Dvigil.stack=${component}@${stackRoot}`;
}

export function readPidFile(pidFile: string): PidRecord | undefined {
  if (!existsSync(pidFile)) return undefined;
  try {
    return JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    // A torn or hand-edited pid file: treat it as absent; the caller's port check still guards against a live process.
    return undefined;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    return undefined;
  }
}

/** True when the pid is alive and (where /proc exists) still runs our component. */
export function isOurProcess(record: PidRecord): boolean {
  if (!isAlive(record.pid)) return false;
  const cmdline = commandLineOf(record.pid);
  // Without /proc (not Linux) a live pid is all we can know.
  if (cmdline === undefined) return !existsSync('/proc');
  // A zombie has an empty command line: it is no longer running.
  return cmdline.includes(record.marker);
}

/** The pid record of a running component, or undefined (a stale pid file is removed). */
export async function runningProcess(pidFile: string): Promise<PidRecord | undefined> {
  const record = readPidFile(pidFile);
  if (!record) return undefined;
  if (isOurProcess(record)) return record;
  await rm(pidFile, { force: true });
  return undefined;
}

/** Resident memory of a process in bytes (Linux), for `status`. */
export function rssOf(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface DetachedSpec {
  readonly component: ComponentName;
  readonly command: string;
  readonly args: readonly string[];
  readonly cwd: string;
  readonly env: Env;
  readonly logFile: string;
  readonly pidFile: string;
  readonly marker: string;
}

export interface Started {
  readonly record: PidRecord;
  /** Resolves with the exit code if the process dies while this CLI still runs (a failed start). */
  readonly exited: Promise<number | null>;
}

export async function startDetached(spec: DetachedSpec): Promise<Started> {
  const fd = openSync(spec.logFile, 'a');
  writeSync(fd, `\n==== vigil stack: starting ${spec.component} at ${new Date().toISOString()} ====\n`);
  try {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env as NodeJS.ProcessEnv,
      detached: true,
      stdio: ['ignore', fd, fd],
    });
    const exited = new Promise<number | null>((resolveExit) => {
      child.once('error', () => resolveExit(-1));
      child.once('exit', (code, signal) => resolveExit(code ?? (signal ? -1 : null)));
    });
    if (child.pid === undefined) {
      const code = await exited;
      return {
        record: { pid: -1, component: spec.component, marker: spec.marker, startedAt: '' },
        exited: Promise.resolve(code),
      };
    }
    child.unref();
    const record: PidRecord = {
      pid: child.pid,
      component: spec.component,
      marker: spec.marker,
      startedAt: new Date().toISOString(),
    };
    await writeFile(spec.pidFile, `${JSON.stringify(record)}\n`);
    return { record, exited };
  } finally {
    closeSync(fd);
  }
}

export interface Stopped {
  readonly forced: boolean;
  readonly ms: number;
}

async function waitForExit(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid) || commandLineOf(pid) === '') return true;
    await new Promise((r) => setTimeout(r, 100));
  }
  return !isAlive(pid);
}

/** SIGTERM, wait up to `timeoutMs`, then SIGKILL. Returns false only if the process survives SIGKILL. */
export async function stopProcess(pid: number, timeoutMs: number): Promise<Stopped | undefined> {
  const started = Date.now();
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return { forced: false, ms: 0 };
  }
  if (await waitForExit(pid, timeoutMs)) return { forced: false, ms: Date.now() - started };
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    return { forced: true, ms: Date.now() - started };
  }
  if (await waitForExit(pid, 10_000)) return { forced: true, ms: Date.now() - started };
  return undefined;
}
