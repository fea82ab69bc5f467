/** What the numbers were measured on: they mean little without it (2 shared cores make every figure noisy). */
import { spawnSync } from 'node:child_process';
import { cpus, freemem, loadavg, totalmem } from 'node:os';

export interface MachineDetails {
  readonly cpuModel: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly freeMemoryGb: number;
  readonly loadAverage1m: number;
  readonly node: string;
  readonly java: string;
  readonly python: string;
  readonly kernel: string;
}

function firstLine(command: string, args: string[]): string {
  const run = spawnSync(command, args, { encoding: 'utf8', timeout: 10_000 });
  if (run.error) return `unavailable (${run.error.message})`;
  return `${run.stdout}${run.stderr}`.split('\n')[0]?.trim() ?? '';
}

export function machineDetails(java = 'java', python = 'python3'): MachineDetails {
  const gb = (bytes: number) => Math.round((bytes / 2 ** 30) * 10) / 10;
  return {
    cpuModel: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGb: gb(totalmem()),
    freeMemoryGb: gb(freemem()),
    loadAverage1m: Math.round((loadavg()[0] ?? 0) * 100) / 100,
    node: process.version,
    java: firstLine(java, ['-version']),
    python: firstLine(python, ['--version']),
    kernel: firstLine('uname', ['-sr']),
  };
}
