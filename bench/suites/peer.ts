/**
 * The Quix Streams peer (bench/peers/quix_features.py, its venv made by bench/peers/setup.sh from a pinned lock)
 * over the same pre-filled topic: events/s of the same windows, next to Vigil's features-only and full pipeline.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export function setupPeer(): string | undefined {
  const run = spawnSync('bash', ['bench/peers/setup.sh'], {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 600_000,
  });
  return run.status === 0 && existsSync('bench/peers/.venv/bin/python') ? 'bench/peers/.venv/bin/python' : undefined;
}

export async function quixRate(
  python: string,
  bootstrap: string,
  topic: string,
  records: number,
  windows: 'sliding' | 'hopping',
  maxSeconds: number,
): Promise<number> {
  const child = spawn(
    python,
    [
      'bench/peers/quix_features.py',
      '--broker',
      bootstrap,
      '--topic',
      topic,
      '--records',
      String(records),
      '--schema',
      'schemas/sensor-reading.avsc',
      '--windows',
      windows,
      '--max-seconds',
      String(maxSeconds),
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.on('data', (c) => {
    out += c;
  });
  child.stderr.on('data', (c) => {
    err += c;
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), 900_000);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  const last = out.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) throw new Error(`Quix peer exited with ${code}: ${err.slice(-1500)}`);
  const result = JSON.parse(last) as { events: number; eventsPerSecond: number };
  if (result.events < 100) throw new Error(`Quix peer processed only ${result.events} events`);
  return result.eventsPerSecond;
}
