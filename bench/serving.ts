/**
 * `npx tsx bench/serving.ts [--seconds 10] [--connections 10] [--readings 480]`: requests/s and p50/p99 latency of
 * POST /v1/score (one pump's reading sequence, API key checked, every call audited, inferences stored, the
 * committed ONNX model models/sensors-pump) next to a bare fastify hello-world route on the same machine, with
 * autocannon as the load generator; prints both and their ratio, and writes bench/results/serving-<time>.json.
 *
 * A sequence must carry its own history: with the default 15 min longest window and warm-up at half of it, the
 * first ~450 readings (1 Hz) only warm the windows up; the default 480 readings give 30 scored rows per request.
 * Not measured here: the FastAPI + scikit-learn peer of the issue (bench/peers/ is empty for now).
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import Fastify from 'fastify';
import { applyMigrations, createClickHouse } from '../adapters/clickhouse/index.js';
import { createLogger } from '../adapters/logger.js';
import { configWith } from '../core/config/index.js';
import { channelSpecs, defaultPlant } from '../core/plant/catalogue.js';
import { sensorStream } from '../core/scoring/index.js';
import { PlantSimulator } from '../producers/plant/plant-simulator.js';
import { LoadedModels } from '../serving/scoring/loaded-models.js';
import { loadModelDirs } from '../serving/scoring/model-dirs.js';
import { createServer } from '../serving/server.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('seconds', 10);
const connections = arg('connections', 10);
const readingsPerRequest = arg('readings', 1000);

interface Measured {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function load(options: autocannon.Options): Promise<Measured> {
  const result = await autocannon({ duration: seconds, connections, ...options });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors,
    non2xx: result.non2xx,
  };
}

function sequence(n: number) {
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = new PlantSimulator(defaultPlant(), { seed: 3, start, assets: 40 });
  const readings: { eventTime: number; channels: Record<string, number> }[] = [];
  let assetId: string | undefined;
  for (let r = sim.next(); r !== null && readings.length < n; r = sim.next()) {
    if (r.assetType !== 'pump' || !Object.values(r.channels).every(Number.isFinite)) continue;
    assetId ??= r.assetId;
    if (r.assetId === assetId) readings.push({ eventTime: r.eventTime, channels: r.channels });
  }
  return { assetId: assetId!, assetType: 'pump', readings };
}

const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-serving-'));
const logger = createLogger('warn');
const config = configWith({ VIGIL_DATA_DIR: dataDir, VIGIL_API_RATE_LIMIT: '100000000', LOG_LEVEL: 'warn' });
const ch = await createClickHouse(config, logger, { createDatabase: true });
await applyMigrations(ch, createLogger('silent'));
const models = new LoadedModels();
const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
await loadModelDirs([new URL('../models/sensors-pump', import.meta.url).pathname], (t) => stream.featureSet(t), models);
const server = await createServer({ config, logger, ch, models, uiDir: null });
const { token } = await server.ctx.keys.create({ role: 'viewer', name: 'bench', createdBy: 'bench' });
const apiUrl = await server.app.listen({ host: '127.0.0.1', port: 0 });

const hello = Fastify();
hello.get('/hello', async () => ({ hello: 'world' }));
const helloUrl = await hello.listen({ host: '127.0.0.1', port: 0 });

const body = JSON.stringify(sequence(readingsPerRequest));
const probe = await fetch(`${apiUrl}/v1/score`, {
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body,
});
const probeJson = (await probe.json()) as { summary: { scored: number; readings: number } };
if (!probe.ok) throw new Error(`POST /v1/score answered ${probe.status}: ${JSON.stringify(probeJson)}`);

process.stderr.write(`hello world: ${seconds}s x ${connections} connections...\n`);
const bare = await load({ url: `${helloUrl}/hello` });
process.stderr.write(`/v1/score (${probeJson.summary.readings} readings, ${probeJson.summary.scored} scored): ...\n`);
const score = await load({
  url: `${apiUrl}/v1/score`,
  method: 'POST',
  headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
  body,
});

await server.close();
const auditRows = await ch.query<{ n: string }>("SELECT count() AS n FROM api_audit WHERE route = '/v1/score'");
await hello.close();
await ch.close();
rmSync(dataDir, { recursive: true, force: true });

const report = {
  at: new Date().toISOString(),
  seconds,
  connections,
  readingsPerRequest: probeJson.summary.readings,
  scoredPerRequest: probeJson.summary.scored,
  helloWorld: bare,
  score,
  auditedScoreCalls: Number(auditRows[0]?.n ?? 0),
  throughputRatio: score.requestsPerSecond / bare.requestsPerSecond,
};
const row = (name: string, m: Measured) =>
  `${name.padEnd(34)} ${m.requestsPerSecond.toFixed(0).padStart(9)} ${m.p50Ms.toFixed(2).padStart(8)} ${m.p99Ms.toFixed(2).padStart(8)} ${String(m.errors + m.non2xx).padStart(7)}`;
process.stdout.write(
  [
    `${'route'.padEnd(34)} ${'req/s'.padStart(9)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'errors'.padStart(7)}`,
    row('GET /hello (bare fastify)', bare),
    row(`POST /v1/score (${report.readingsPerRequest} readings)`, score),
    `throughput ratio /v1/score : hello = ${report.throughputRatio.toFixed(4)}; audited score calls: ${report.auditedScoreCalls}`,
    '',
  ].join('\n'),
);
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`results/serving-${report.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
