/**
 * A real serving role for integration tests: the embedded ClickHouse (unique database, migrations applied), the
 * fastify app through createServer, one API key per role, and a deterministic model for pumps. The model is a
 * pure function of the feature vector (the largest |z-score| feature), because no committed ONNX model matches the
 * feature set the pipeline derives for pumps; the scoring path (features -> batched model -> alert policy) is the
 * real shared one either way.
 */
import { configWith } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import type { FeatureSet } from '../../core/features/index.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import { type BatchScorer, type ScoringModel, sensorStream } from '../../core/scoring/index.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { ROLES, type Role } from '../../serving/permissions.js';
import { LoadedModels } from '../../serving/scoring/loaded-models.js';
import { type CreateServerOptions, createServer, type Server } from '../../serving/server.js';
import { openTestClickHouse, silentLogger, type TestClickHouse } from '../helpers/clickhouse.js';

/** Short windows so a sequence warms up after ~15 readings (one per second). */
export const TEST_FEATURE_ENV = { VIGIL_FEATURE_WINDOWS: '10s,30s', VIGIL_ALLOWED_LATENESS: '5s' } as const;

export function pumpFeatureSet(env: Record<string, string> = {}): FeatureSet {
  const config = configWith({ ...TEST_FEATURE_ENV, ...env });
  return sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name)).featureSet('pump')!;
}

/** Score = the largest |z-score| feature of the row: deterministic, and high when a channel jumps. */
export function zScoreModel(set: FeatureSet, version = 'zmax-1', threshold = 4): ScoringModel {
  const idx = set.featureNames.flatMap((n, i) => (n.endsWith('_zscore') || n.includes('zscore') ? [i] : []));
  const width = set.featureNames.length;
  const scorer: BatchScorer = {
    async scoreBatch(rows, n) {
      const out = new Float32Array(n);
      for (let r = 0; r < n; r++) {
        let max = 0;
        for (const i of idx) max = Math.max(max, Math.abs(rows[r * width + i]!));
        out[r] = max;
      }
      return out;
    },
  };
  return { name: 'sensors-pump', version, role: 'production', threshold, featureSetHash: set.hash, scorer };
}

export function pumpReadings(minutes: number, seed = 11, assets = 1, start = Date.UTC(2026, 0, 5, 8)): SensorReading[] {
  const sim = new PlantSimulator(defaultPlant(), { seed, start, end: start + minutes * 60_000, assets: 40 });
  const out: SensorReading[] = [];
  const ids = new Set<string>();
  for (let r = sim.next(); r !== null; r = sim.next()) {
    if (r.assetType !== 'pump') continue;
    if (!Object.values(r.channels).every(Number.isFinite)) continue;
    if (!ids.has(r.assetId)) {
      if (ids.size >= assets) continue;
      ids.add(r.assetId);
    }
    out.push(r);
  }
  return out;
}

export interface ServingFixture {
  readonly tch: TestClickHouse;
  readonly server: Server;
  readonly keys: Record<Role, string>;
  readonly keyIds: Record<Role, string>;
  close(): Promise<void>;
}

export async function openServingFixture(
  env: Record<string, string> = {},
  uiDir: string | null = null,
  extra: (config: ReturnType<typeof configWith>) => Partial<CreateServerOptions> = () => ({}),
): Promise<ServingFixture> {
  const tch = await openTestClickHouse();
  const config = configWith({
    ...tch.env,
    ...TEST_FEATURE_ENV,
    VIGIL_API_AUDIT_FLUSH: '200ms',
    VIGIL_API_LIVE_POLL: '200ms',
    ...env,
  });
  const models = new LoadedModels();
  models.set('pump', [zScoreModel(pumpFeatureSet(env))]);
  const server = await createServer({ config, logger: silentLogger, ch: tch.ch, models, uiDir, ...extra(config) });
  const keys = {} as Record<Role, string>;
  const keyIds = {} as Record<Role, string>;
  for (const role of ROLES) {
    const created = await server.ctx.keys.create({ role, name: `test ${role}`, createdBy: 'test' });
    keys[role] = created.token;
    keyIds[role] = created.record.id;
  }
  return {
    tch,
    server,
    keys,
    keyIds,
    async close() {
      await server.close();
      await tch.close();
    },
  };
}

export function auth(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}
