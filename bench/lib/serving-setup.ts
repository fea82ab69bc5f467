/**
 * The serving role as bench/serving.ts and bench/serving-profile.ts measure it: createServer over its own chDB in a
 * temporary directory (migrated), the committed ONNX model models/sensors-pump loaded, the default feature windows,
 * a viewer key, and one pump's reading sequence from the plant simulator as the request body of POST /v1/score.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyMigrations, type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { configWith } from '../../core/config/index.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { LoadedModels } from '../../serving/scoring/loaded-models.js';
import { loadModelDirs } from '../../serving/scoring/model-dirs.js';
import { createServer, type Server } from '../../serving/server.js';

export interface ServingBench {
  readonly server: Server;
  readonly ch: ClickHouse;
  readonly token: string;
  close(): Promise<void>;
}

/**
 * One pump's readings (finite values only) as the body of POST /v1/score: `n` readings, every `stride`-th of the
 * simulator's 1 Hz stream (stride 10: one reading per 10 s).
 */
export function pumpSequence(n: number, stride = 1, seed = 3) {
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = new PlantSimulator(defaultPlant(), { seed, start, assets: 40 });
  const readings: { eventTime: number; channels: Record<string, number> }[] = [];
  let assetId: string | undefined;
  let seen = 0;
  for (let r = sim.next(); r !== null && readings.length < n; r = sim.next()) {
    if (r.assetType !== 'pump' || !Object.values(r.channels).every(Number.isFinite)) continue;
    assetId ??= r.assetId;
    if (r.assetId === assetId && seen++ % stride === 0) {
      readings.push({ eventTime: r.eventTime, channels: r.channels });
    }
  }
  return { assetId: assetId!, assetType: 'pump', readings };
}

export async function openServingBench(env: Record<string, string> = {}): Promise<ServingBench> {
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-serving-'));
  const logger = createLogger('warn');
  const config = configWith({ VIGIL_DATA_DIR: dataDir, VIGIL_API_RATE_LIMIT: '100000000', LOG_LEVEL: 'warn', ...env });
  const ch = await createClickHouse(config, logger, { createDatabase: true });
  await applyMigrations(ch, createLogger('silent'));
  const models = new LoadedModels();
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  const modelDir = new URL('../../models/sensors-pump', import.meta.url).pathname;
  await loadModelDirs([modelDir], (t) => stream.featureSet(t), models);
  const server = await createServer({ config, logger, ch, models, uiDir: null });
  const { token } = await server.ctx.keys.create({ role: 'viewer', name: 'bench', createdBy: 'bench' });
  return {
    server,
    ch,
    token,
    async close() {
      await server.close();
      await ch.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
