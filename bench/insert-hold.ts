/**
 * `npx tsx bench/insert-hold.ts [--rows 4000] [--runs 8]`: one processor-sized insert into the embedded engine
 * (rows of a key, a time and a 231-value vector, like the features table), and how long it holds the event loop:
 * wall time, this process's CPU, and the longest event-loop delay seen during the insert (1 ms resolution).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createClickHouse } from '../adapters/clickhouse/index.js';
import { createLogger } from '../adapters/logger.js';
import { configWith } from '../core/config/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const rowsPerInsert = arg('rows', 4_000);
const runs = arg('runs', 8);
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-insert-'));
const ch = await createClickHouse(configWith({ VIGIL_DATA_DIR: dataDir }), createLogger('silent'), {
  createDatabase: true,
});
try {
  await ch.command(
    'CREATE TABLE held (k String, t DateTime64(3), v Array(Float64)) ENGINE = MergeTree ORDER BY (k, t)',
  );
  let seed = 1;
  const random = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const rows = Array.from({ length: rowsPerInsert }, (_, i) => ({
    k: `asset-${i % 20}`,
    t: 1_767_225_600_000 + i,
    v: Array.from({ length: 231 }, () => random() * 100),
  }));
  await ch.insertRows('held', rows); // warm-up
  for (let run = 1; run <= runs; run++) {
    const delay = monitorEventLoopDelay({ resolution: 1 });
    delay.enable();
    const cpu = process.cpuUsage();
    const started = performance.now();
    await ch.insertRows('held', rows);
    const wall = performance.now() - started;
    const used = process.cpuUsage(cpu);
    delay.disable();
    process.stdout.write(
      `insert ${run}/${runs} of ${rowsPerInsert} rows: wall ${wall.toFixed(0)} ms, process CPU ` +
        `${((used.user + used.system) / 1000).toFixed(0)} ms, longest event-loop delay ${(delay.max / 1e6).toFixed(1)} ms\n`,
    );
  }
} finally {
  await ch.close();
  rmSync(dataDir, { recursive: true, force: true });
}
