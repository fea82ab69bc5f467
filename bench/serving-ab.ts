/**
 * `npx tsx bench/serving-ab.ts --before <dir> [--after <dir>] [--rounds 6] [--seconds 3]`: POST /v1/score of two
 * checkouts of Vigil side by side, for before/after figures of a change on a machine whose other load moves a lot.
 * Both servers run at once (each its own process and chDB); autocannon alternates short runs between them
 * (short sequence at 1 and 10 connections, full sequence at 1), and the figure is the median of the paired
 * after ÷ before ratios. A checkout needs node_modules: `git worktree add /tmp/before <commit> &&
 * ln -s "$PWD/node_modules" /tmp/before/`. Bodies and models as in bench/serving.ts (bench/lib/serving-setup.ts).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const self = fileURLToPath(import.meta.url);
const here = resolve(self, '../..');

/** Child mode: a server from checkout `root` (its own modules), address and key written to `out`. */
async function serve(root: string, out: string): Promise<void> {
  const load = <T>(path: string) => import(join(root, path)) as Promise<T>;
  const { applyMigrations, createClickHouse } =
    await load<typeof import('../adapters/clickhouse/index.js')>('adapters/clickhouse/index.ts');
  const { createLogger } = await load<typeof import('../adapters/logger.js')>('adapters/logger.ts');
  const { configWith } = await load<typeof import('../core/config/index.js')>('core/config/index.ts');
  const { channelSpecs } = await load<typeof import('../core/plant/catalogue.js')>('core/plant/catalogue.ts');
  const { sensorStream } = await load<typeof import('../core/scoring/index.js')>('core/scoring/index.ts');
  const { LoadedModels } = await load<typeof import('../serving/scoring/loaded-models.js')>(
    'serving/scoring/loaded-models.ts',
  );
  const { loadModelDirs } = await load<typeof import('../serving/scoring/model-dirs.js')>(
    'serving/scoring/model-dirs.ts',
  );
  const { createServer } = await load<typeof import('../serving/server.js')>('serving/server.ts');
  const dataDir = mkdtempSync(join(tmpdir(), 'vigil-bench-ab-'));
  const logger = createLogger('warn');
  const config = configWith({ VIGIL_DATA_DIR: dataDir, VIGIL_API_RATE_LIMIT: '100000000', LOG_LEVEL: 'warn' });
  const ch = await createClickHouse(config, logger, { createDatabase: true });
  await applyMigrations(ch, createLogger('silent'));
  const models = new LoadedModels();
  const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
  await loadModelDirs([join(root, 'models/sensors-pump')], (t) => stream.featureSet(t), models);
  const server = await createServer({ config, logger, ch, models, uiDir: null });
  const { token } = await server.ctx.keys.create({ role: 'viewer', name: 'ab', createdBy: 'bench' });
  const url = await server.app.listen({ host: '127.0.0.1', port: 0 });
  writeFileSync(out, JSON.stringify({ url, token }));
  process.once('SIGTERM', () => {
    void server
      .close()
      .then(() => ch.close())
      .finally(() => {
        rmSync(dataDir, { recursive: true, force: true });
        process.exit(0);
      });
  });
}

interface Run {
  readonly rps: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
}

async function compare(): Promise<void> {
  const before = option('before');
  if (before === undefined) throw new Error('--before <checkout dir> is required');
  const trees = { before: resolve(before), after: resolve(option('after') ?? here) };
  const rounds = Number(option('rounds') ?? 6);
  const seconds = Number(option('seconds') ?? 3);
  const work = mkdtempSync(join(tmpdir(), 'vigil-bench-ab-run-'));
  const { pumpSequence } = await import('./lib/serving-setup.js');
  const bodies = { short: join(work, 'short.json'), full: join(work, 'full.json') };
  writeFileSync(bodies.short, JSON.stringify(pumpSequence(90, 10)));
  writeFileSync(bodies.full, JSON.stringify(pumpSequence(900, 1)));
  const servers: Record<string, { child: ChildProcess; url: string; token: string }> = {};
  try {
    for (const [name, root] of Object.entries(trees)) {
      const out = join(work, `${name}.json`);
      const child = spawn(process.execPath, ['--import', 'tsx', self, '--serve', root, '--out', out], {
        cwd: root,
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      const deadline = Date.now() + 120_000;
      while (!existsSync(out)) {
        if (child.exitCode !== null || Date.now() > deadline) throw new Error(`the ${name} server did not start`);
        await new Promise((r) => setTimeout(r, 200));
      }
      servers[name] = { child, ...(JSON.parse(readFileSync(out, 'utf8')) as { url: string; token: string }) };
    }
    const autocannon = join(here, 'node_modules/autocannon/autocannon.js');
    const run = (name: string, body: string, connections: number): Run => {
      const s = servers[name]!;
      const args = [autocannon, '-j', '-c', String(connections), '-d', String(seconds), '-m', 'POST'];
      args.push('-H', 'content-type=application/json', '-H', `authorization=Bearer ${s.token}`, '-i', body);
      const r = spawnSync(process.execPath, [...args, `${s.url}/v1/score`], { encoding: 'utf8' });
      const j = JSON.parse(r.stdout) as {
        requests: { average: number };
        latency: { p50: number; p99: number };
        errors: number;
        non2xx: number;
      };
      return { rps: j.requests.average, p50: j.latency.p50, p99: j.latency.p99, errors: j.errors + j.non2xx };
    };
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const cases = [
      ['short', 1],
      ['short', 10],
      ['full', 1],
    ] as const;
    for (const [size, connections] of cases) {
      const runs: Record<string, Run[]> = { before: [], after: [] };
      for (let i = 0; i < rounds; i++) {
        for (const name of i % 2 ? ['after', 'before'] : ['before', 'after']) {
          runs[name]!.push(run(name, bodies[size], connections));
        }
      }
      const line = (name: string) => {
        const r = runs[name]!;
        return `${name} ${median(r.map((x) => x.rps)).toFixed(1)} req/s, p50 ${median(r.map((x) => x.p50))} ms, p99 ${median(r.map((x) => x.p99))} ms, errors ${r.reduce((n, x) => n + x.errors, 0)}`;
      };
      const ratio = median(runs.after!.map((a, i) => a.rps / runs.before![i]!.rps));
      process.stdout.write(
        `${size} sequence, ${connections} connection(s): ${line('before')}; ${line('after')}; paired req/s after ÷ before ${ratio.toFixed(2)}\n`,
      );
    }
  } finally {
    for (const s of Object.values(servers)) s.child.kill('SIGTERM');
    rmSync(work, { recursive: true, force: true });
  }
}

const serveRoot = option('serve');
if (serveRoot !== undefined) await serve(serveRoot, option('out')!);
else await compare();
