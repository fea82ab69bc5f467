/**
 * Replay throughput against its limit: the raw read of the same rows from ClickHouse in the same run.
 * Fills a fresh embedded ClickHouse with simulated readings (N pumps and compressors x H hours at 1 Hz, with
 * Kafka coordinates), times reading them back exactly as replay does (FINAL, per key in offset order), then
 * times `replayRange` over the same range with the committed default models, and prints both rates and the
 * ratio. Prints numbers, asserts nothing.
 *
 *   npx tsx bench/replay.ts [assets=6] [hours=2] [workers=0 (auto)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, createClickHouse } from '../adapters/clickhouse/index.js';
import { rawTableOf } from '../adapters/clickhouse/raw-tables.js';
import { sensorReadingRow } from '../adapters/clickhouse/rows.js';
import { createLogger } from '../adapters/logger.js';
import { readCard } from '../adapters/onnx/index.js';
import { loadConfig } from '../core/config/index.js';
import type { ModelVersionInfo } from '../core/model/registry.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import { PlantSimulator } from '../producers/plant/plant-simulator.js';
import { RawSource, replayRange, type VersionLookup, workerCount } from '../replay/index.js';

const assets = Number(process.argv[2] ?? 6);
const hours = Number(process.argv[3] ?? 2);
const workers = Number(process.argv[4] ?? 0);
const start = Date.UTC(2026, 2, 2, 0);
const end = start + hours * 3_600_000;
const work = mkdtempSync(join(tmpdir(), 'vigil-bench-replay-'));
const logger = createLogger('warn');
const config = loadConfig({ VIGIL_DATA_DIR: work, CLICKHOUSE_DATABASE: 'bench_replay', LOG_LEVEL: 'warn' });

/** The committed default models as a registry: production = `models/<name>`. */
function committedModels(root: string): VersionLookup {
  const dirs = new Map<string, string>();
  const info = async (name: string): Promise<ModelVersionInfo | undefined> => {
    const dir = join(root, name);
    const card = await readCard(dir).catch(() => undefined);
    if (card === undefined) return undefined;
    dirs.set(card.onnx.sha256, dir);
    return { name, version: card.version, onnxSha256: card.onnx.sha256, card } as unknown as ModelVersionInfo;
  };
  return {
    production: info,
    get: async (name) => (await info(name))!,
    store: { dirOf: (i) => dirs.get(i.onnxSha256)! },
  };
}

const ch = await createClickHouse(config, logger, { createDatabase: true });
try {
  await applyMigrations(ch, logger);
  const sim = new PlantSimulator(defaultPlant(), { seed: 3, start, end, assets });
  let batch = [];
  let offset = 0;
  let events = 0;
  for (let r = sim.next(); r !== null; r = sim.next()) {
    batch.push(sensorReadingRow(r, { topic: 'bench', partition: 0, offset: String(offset++) }));
    if (batch.length === 20_000) {
      events += await ch.insertRows('sensor_readings', batch);
      batch = [];
    }
  }
  events += await ch.insertRows('sensor_readings', batch);
  process.stdout.write(`filled ${events} readings of ${assets} assets over ${hours} h\n`);

  // The limit: the same rows, read the way replay reads them.
  const source = new RawSource(ch, rawTableOf('sensors'));
  const keys = await source.keys(start, end);
  const readStarted = performance.now();
  const rows = await source.rows(new Map(keys.map((k) => [k, start])), end);
  const readSeconds = (performance.now() - readStarted) / 1000;
  const readRate = rows.length / readSeconds;

  const summary = await replayRange(
    { stream: 'sensors', from: start, to: end, runId: 'bench', ...(workers > 0 ? { workers } : {}) },
    { ch, config, logger, registry: committedModels('models') },
  );
  const replayRate = summary.events / (summary.elapsedMs / 1000);
  const line = (label: string, n: number, s: number, rate: number) =>
    `${label.padEnd(34)} ${String(n).padStart(9)} events ${s.toFixed(2).padStart(8)} s ${Math.round(rate).toString().padStart(9)} events/s\n`;
  process.stdout.write(line('raw read (FINAL, offset order)', rows.length, readSeconds, readRate));
  process.stdout.write(
    line(`replay (${workerCount(workers)} worker threads)`, summary.events, summary.elapsedMs / 1000, replayRate),
  );
  process.stdout.write(
    `replay / raw read = ${(replayRate / readRate).toFixed(3)}  (chunks ${summary.chunks}, ${summary.inferences} inferences, ${summary.features} feature rows)\n`,
  );
  const { readMs, scoreMs, writeMs } = summary.timings;
  process.stdout.write(
    `replay stages (summed over chunks): read ${readMs} ms, score ${scoreMs} ms, write ${writeMs} ms\n`,
  );
} finally {
  await ch.close();
  rmSync(work, { recursive: true, force: true });
}
