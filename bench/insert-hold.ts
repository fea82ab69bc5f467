/**
 * `npx tsx bench/insert-hold.ts [--rows 4000] [--runs 8]`: one processor-sized insert of feature rows (231-value
 * vectors) into the embedded engine's migrated `features` table, rows made by the processor's own code, and what it
 * costs: wall time, this process's CPU (the engine's threads included), and the longest event-loop delay seen
 * during it (1 ms resolution). Runs alternate between the vector as bytes (`vector_base64`, what writers send since
 * clickhouse/0018) and as JSON numbers (`vector`, before), on the same table.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { applyMigrations, createClickHouse } from '../adapters/clickhouse/index.js';
import { type FeatureRowInput, featureRow } from '../adapters/clickhouse/rows.js';
import type { Row } from '../adapters/clickhouse/types.js';
import { createLogger } from '../adapters/logger.js';
import { configWith } from '../core/config/index.js';
import { lazyFeatures, namedVectorOf } from '../core/scoring/feature-map.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const FORMS: Record<string, (f: FeatureRowInput) => Row> = {
  bytes: (f) => featureRow(f),
  numbers: (f) => {
    const { vector_base64: _, ...row } = featureRow(f);
    return { ...row, vector: Array.from(namedVectorOf(f)!.vector) }; // as rows.ts made it before 0018
  },
};

const rowsPerInsert = arg('rows', 4_000);
const runs = arg('runs', 8);
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-insert-'));
const logger = createLogger('silent');
const ch = await createClickHouse(configWith({ VIGIL_DATA_DIR: dataDir }), logger, { createDatabase: true });
try {
  await applyMigrations(ch, logger);
  let seed = 1;
  const random = () => {
    seed = (seed * 16_807) % 2_147_483_647;
    return seed / 2_147_483_647;
  };
  const names = Array.from({ length: 231 }, (_, i) => `f${i}`);
  const inputs: FeatureRowInput[] = Array.from({ length: rowsPerInsert }, (_, i) =>
    lazyFeatures(
      names,
      Float64Array.from(names, () => random() * 100),
    )({
      stream: 'sensors',
      key: `asset-${i % 20}`,
      eventId: `e-${i}`,
      eventTime: 1_767_225_600_000 + i,
      featureSet: 'bench',
      featureSetVersion: 'v1',
    }),
  );
  for (const form of Object.values(FORMS)) await ch.insertRows('features', inputs.map(form)); // warm-up
  const figures = Object.fromEntries(
    Object.keys(FORMS).map((name) => [name, { wall: [] as number[], cpu: [] as number[], held: [] as number[] }]),
  );
  for (let run = 1; run <= runs; run++) {
    for (const [name, form] of Object.entries(FORMS)) {
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const cpu = process.cpuUsage();
      const started = performance.now();
      await ch.insertRows('features', inputs.map(form));
      const wall = performance.now() - started;
      const used = process.cpuUsage(cpu);
      delay.disable();
      const f = figures[name]!;
      f.wall.push(wall);
      f.cpu.push((used.user + used.system) / 1000);
      f.held.push(delay.max / 1e6);
      process.stdout.write(
        `insert ${run}/${runs}, vector as ${name}, ${rowsPerInsert} rows: wall ${wall.toFixed(0)} ms, process CPU ` +
          `${f.cpu.at(-1)!.toFixed(0)} ms, longest event-loop delay ${f.held.at(-1)!.toFixed(1)} ms\n`,
      );
    }
  }
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
  for (const [name, f] of Object.entries(figures)) {
    process.stdout.write(
      `median, vector as ${name}: wall ${median(f.wall).toFixed(0)} ms, process CPU ${median(f.cpu).toFixed(0)} ms, ` +
        `longest event-loop delay ${median(f.held).toFixed(1)} ms\n`,
    );
  }
} finally {
  await ch.close();
  rmSync(dataDir, { recursive: true, force: true });
}
