/**
 * `npx tsx bench/serving.ts [--seconds 5] [--rounds 3] [--connections 10] [--no-peer]`: requests/s and p50/p99
 * latency, in one run on one machine, of
 *   - a bare fastify hello-world route (the ceiling),
 *   - Vigil's POST /v1/score (API key checked, every call audited, inferences stored, the committed ONNX model
 *     models/sensors-pump, the default 1/5/15 min windows),
 *   - the FastAPI + scikit-learn peer doing the same job (bench/peers/fastapi: the same windows with
 *     count/mean/std/min/max/last per channel, an IsolationForest, key checked, every call audited to SQLite),
 * for two reading sequences of one pump, the same JSON body for Vigil and the peer:
 *   - "short": 90 readings, one per 10 s (15 min: the shortest history the committed model scores; 9 scored rows),
 *   - "full": 900 readings at 1 Hz (15 min; 90 scored rows).
 * Each target runs with `connections` concurrent connections (throughput) and with one (latency of a lone request),
 * in `rounds` rounds that interleave the targets; medians (min–max) are printed. The load generator (autocannon)
 * runs in its own process, so it does not share Vigil's event loop; Vigil runs in this process, the peer in its own
 * (one uvicorn worker). autocannon's latency histogram has a 1 ms resolution.
 * Then latency under load, as independent clients see it: an open loop (bench/paced-client.ts) sends the short
 * sequence at 30 % and 60 % of each service's own median throughput at `connections` connections, and the
 * hello-world route at Vigil's rates, in `rounds` interleaved rounds.
 * Prints the tables and the ratios and writes bench/results/serving-<time>.json.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { sha256Hex } from '../core/sha256.js';
import { openServingBench, pumpSequence } from './lib/serving-setup.js';
import { ratioOf, type Summary, summarize } from './lib/stats.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const seconds = arg('seconds', 5);
const rounds = arg('rounds', 3);
const connections = arg('connections', 10);
const withPeer = !process.argv.includes('--no-peer');
const here = fileURLToPath(new URL('.', import.meta.url));
const AUTOCANNON = fileURLToPath(new URL('../node_modules/autocannon/autocannon.js', import.meta.url));
const PACED_CLIENT = fileURLToPath(new URL('paced-client.ts', import.meta.url));
/** Open-loop levels: fractions of a service's own median throughput at `connections` connections. */
const OPEN_LOOP_LEVELS = [0.3, 0.6] as const;
const PEER_DIR = join(here, 'peers', 'fastapi');
const SEQUENCES = [
  { name: 'short', readings: 90, stride: 10 },
  { name: 'full', readings: 900, stride: 1 },
] as const;

interface Measured {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Connection errors (timeouts included) plus non-2xx answers. */
  readonly errors: number;
  readonly timeouts: number;
  readonly non2xx: number;
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-serving-run-'));

/** What a node child process with these arguments prints on stdout; throws if it exits non-zero. */
async function childOutput(args: readonly string[], name: string): Promise<string> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout!.on('data', (c) => {
    out += c;
  });
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  if (code !== 0) throw new Error(`${name} exited with ${code}`);
  return out;
}

/** autocannon in a child process (its JSON report on stdout). */
async function load(
  url: string,
  options: { token?: string; bodyFile?: string },
  concurrency: number,
): Promise<Measured> {
  const args = [AUTOCANNON, '-j', '-c', String(concurrency), '-d', String(seconds)];
  if (options.bodyFile) args.push('-m', 'POST', '-H', 'content-type=application/json', '-i', options.bodyFile);
  if (options.token) args.push('-H', `authorization=Bearer ${options.token}`);
  const out = await childOutput([...args, url], 'autocannon');
  const r = JSON.parse(out) as {
    requests: { average: number; total: number };
    latency: { p50: number; p99: number };
    errors: number;
    timeouts: number;
    non2xx: number;
  };
  return {
    requestsPerSecond: r.requests.average,
    p50Ms: r.latency.p50,
    p99Ms: r.latency.p99,
    requests: r.requests.total,
    errors: r.errors + r.non2xx,
    timeouts: r.timeouts,
    non2xx: r.non2xx,
  };
}

interface Paced {
  readonly rate: number;
  readonly sent: number;
  readonly warmup: number;
  readonly answered: number;
  readonly errors: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** How far the client fell behind its schedule (its own lateness, not in the latencies). */
  readonly behindMs: number;
}

/** bench/paced-client.ts in a child process: `rate` requests a second for `seconds`, whatever the answers. */
async function paced(url: string, options: { token?: string; bodyFile?: string }, rate: number): Promise<Paced> {
  const args = ['--import', 'tsx', PACED_CLIENT, url, String(rate), String(seconds)];
  if (options.token) args.push('--token', options.token);
  if (options.bodyFile) args.push('--body', options.bodyFile);
  return JSON.parse(await childOutput(args, 'bench/paced-client.ts')) as Paced;
}

/** The peer's venv (setup.sh, idempotent), then the service on a free port; resolves once /healthz answers. */
async function startPeer(token: string, trainFile: string): Promise<{ url: string; child: ChildProcess }> {
  const setup = spawnSync('bash', [join(PEER_DIR, 'setup.sh')], { stdio: ['ignore', 'inherit', 'inherit'] });
  const python = join(PEER_DIR, '.venv', 'bin', 'python');
  if (setup.status !== 0 || !existsSync(python)) throw new Error('bench/peers/fastapi/setup.sh failed');
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const child = spawn(
    python,
    [
      join(PEER_DIR, 'score_service.py'),
      '--port',
      String(port),
      '--train',
      trainFile,
      '--key-sha256',
      sha256Hex(token),
      '--store',
      join(work, 'peer.sqlite'),
    ],
    { stdio: ['ignore', 'inherit', 'inherit'] },
  );
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the peer exited with ${child.exitCode}`);
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return { url, child };
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  child.kill('SIGKILL');
  throw new Error('the peer did not answer /healthz within 120 s');
}

async function probe(url: string, token: string, body: string): Promise<{ readings: number; scored: number }> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body,
  });
  const json = (await res.json()) as { summary: { readings: number; scored: number } };
  if (!res.ok) throw new Error(`POST ${url} answered ${res.status}: ${JSON.stringify(json)}`);
  return json.summary;
}

const vigil = await openServingBench();
const apiUrl = await vigil.server.app.listen({ host: '127.0.0.1', port: 0 });
const hello = Fastify();
hello.get('/hello', async () => ({ hello: 'world' }));
const helloUrl = await hello.listen({ host: '127.0.0.1', port: 0 });
const peerToken = `peer_${randomBytes(32).toString('base64url')}`;
let peer: { url: string; child: ChildProcess } | undefined;

interface Target {
  readonly key: string;
  readonly label: string;
  readonly url: string;
  readonly token?: string;
  readonly bodyFile?: string;
}
interface Runs {
  throughput: Measured[];
  latency: Measured[];
}
const runs: Record<string, Runs> = {};
/** Open-loop runs by `<target key>@<level>`. */
const openLoop: Record<string, Paced[]> = {};
const labels: Record<string, string> = {};
let auditedScoreCalls = 0;
let peerAudited = 0;
try {
  if (withPeer) {
    // The forest learns normal operation from another pump run at each sequence's cadence.
    const trainFile = join(work, 'train.json');
    const sequences = SEQUENCES.map((s) => pumpSequence(3_600 / s.stride, s.stride, 7));
    writeFileSync(trainFile, JSON.stringify({ sequences }));
    process.stderr.write('starting the FastAPI + scikit-learn peer...\n');
    peer = await startPeer(peerToken, trainFile);
  }
  const targets: Target[] = [{ key: 'hello', label: 'GET /hello (bare fastify)', url: `${helloUrl}/hello` }];
  for (const s of SEQUENCES) {
    const body = JSON.stringify(pumpSequence(s.readings, s.stride));
    const bodyFile = join(work, `${s.name}.json`);
    writeFileSync(bodyFile, body);
    const size = await probe(`${apiUrl}/v1/score`, vigil.token, body);
    targets.push({
      key: `vigil-${s.name}`,
      label: `Vigil /v1/score, ${s.name} (${size.readings} readings, ${size.scored} scored)`,
      url: `${apiUrl}/v1/score`,
      token: vigil.token,
      bodyFile,
    });
    if (peer) {
      const peerSize = await probe(`${peer.url}/v1/score`, peerToken, body);
      targets.push({
        key: `peer-${s.name}`,
        label: `FastAPI + scikit-learn, ${s.name} (${peerSize.scored} scored)`,
        url: `${peer.url}/v1/score`,
        token: peerToken,
        bodyFile,
      });
    }
  }
  // Rounds interleave the targets, so a change in the machine's other load hits all of them alike.
  for (let round = 1; round <= rounds; round++) {
    for (const t of targets) {
      process.stderr.write(`round ${round}/${rounds}: ${t.label}: ${seconds}s x ${connections} and x 1 connection\n`);
      labels[t.key] = t.label;
      runs[t.key] ??= { throughput: [], latency: [] };
      const r = runs[t.key]!;
      r.throughput.push(await load(t.url, t, connections));
      r.latency.push(await load(t.url, t, 1));
    }
  }
  // Open loop: each service at fractions of its own throughput; hello-world at Vigil's rates (the floor of the
  // machine's sockets and clients at that rate).
  const medianRate = (key: string) => summarize(runs[key]!.throughput.map((m) => m.requestsPerSecond)).median;
  const openTargets = targets.filter((t) => t.key === 'vigil-short' || t.key === 'peer-short');
  const helloTarget = targets.find((t) => t.key === 'hello')!;
  for (let round = 1; round <= rounds; round++) {
    for (const level of OPEN_LOOP_LEVELS) {
      for (const t of openTargets) {
        const rate = Math.max(1, Math.round(level * medianRate(t.key)));
        const pairs: [Target, string][] = [[t, `${t.key}@${level}`]];
        if (t.key === 'vigil-short') pairs.push([helloTarget, `hello@${level}`]);
        for (const [target, key] of pairs) {
          process.stderr.write(`round ${round}/${rounds}: open loop, ${target.label} at ${rate} req/s\n`);
          openLoop[key] ??= [];
          openLoop[key].push(await paced(target.url, target, rate));
        }
      }
    }
  }
  if (peer) peerAudited = ((await (await fetch(`${peer.url}/audit/count`)).json()) as { rows: number }).rows;
} finally {
  peer?.child.kill('SIGTERM');
  await hello.close();
  await vigil.server.close();
  auditedScoreCalls = Number(
    (await vigil.ch.query<{ n: string }>("SELECT count() AS n FROM api_audit WHERE route = '/v1/score'"))[0]?.n ?? 0,
  );
  await vigil.close();
  rmSync(work, { recursive: true, force: true });
}

const summaries = Object.fromEntries(
  Object.entries(runs).map(([key, r]) => [
    key,
    {
      requestsPerSecond: summarize(r.throughput.map((m) => m.requestsPerSecond)),
      p50Ms: summarize(r.throughput.map((m) => m.p50Ms)),
      p99Ms: summarize(r.throughput.map((m) => m.p99Ms)),
      oneConnection: {
        requestsPerSecond: summarize(r.latency.map((m) => m.requestsPerSecond)),
        p50Ms: summarize(r.latency.map((m) => m.p50Ms)),
        p99Ms: summarize(r.latency.map((m) => m.p99Ms)),
      },
      errors: [...r.throughput, ...r.latency].reduce((n, m) => n + m.errors, 0),
    },
  ]),
);
const ratios: Record<string, Summary> = {};
for (const s of SEQUENCES) {
  const v = summaries[`vigil-${s.name}`];
  const h = summaries.hello;
  const p = summaries[`peer-${s.name}`];
  if (v && h) ratios[`Vigil ${s.name} ÷ hello-world`] = ratioOf(v.requestsPerSecond, h.requestsPerSecond);
  if (v && p) ratios[`Vigil ${s.name} ÷ FastAPI peer ${s.name}`] = ratioOf(v.requestsPerSecond, p.requestsPerSecond);
}
const sent = (prefix: string) =>
  Object.entries(runs)
    .filter(([k]) => k.startsWith(prefix))
    .reduce((n, [, r]) => n + [...r.throughput, ...r.latency].reduce((m, x) => m + x.requests, 0), 0) +
  Object.entries(openLoop)
    .filter(([k]) => k.startsWith(prefix))
    .reduce((n, [, r]) => n + r.reduce((m, p) => m + p.sent + p.warmup, 0), 0);
const report = {
  at: new Date().toISOString(),
  seconds,
  connections,
  rounds,
  summaries,
  ratios,
  runs,
  openLoop,
  // Responses autocannon counted plus the probes; calls cut off at the end of a run are audited too.
  audit: {
    vigilScoreResponses: sent('vigil-') + SEQUENCES.length,
    vigilAudited: auditedScoreCalls,
    peerScoreResponses: sent('peer-') + (withPeer ? SEQUENCES.length : 0),
    peerAudited,
  },
};

const f = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const range = (s: Summary) => (s.runs > 1 ? `${f(s.median)} (${f(s.min)}–${f(s.max)})` : f(s.median));
const lines = [
  `| target | req/s, ${connections} connections | p50 / p99 ms, ${connections} conn. | req/s, 1 connection | p50 / p99 ms, 1 conn. | errors |`,
  '|---|---|---|---|---|---|',
  ...Object.entries(summaries).map(
    ([key, m]) =>
      `| ${labels[key]} | ${range(m.requestsPerSecond)} | ${f(m.p50Ms.median)} / ${f(m.p99Ms.median)} | ${range(m.oneConnection.requestsPerSecond)} | ${f(m.oneConnection.p50Ms.median)} / ${f(m.oneConnection.p99Ms.median)} | ${m.errors} |`,
  ),
  '',
  '| ratio (req/s, median (range)) | value |',
  '|---|---|',
  ...Object.entries(ratios).map(([k, r]) => `| ${k} | ${range(r)} |`),
  '',
  '| open loop (independent clients, µs resolution) | level | req/s sent | p50 / p90 / p99 ms | max ms | errors |',
  '|---|---|---|---|---|---|',
  ...Object.entries(openLoop).map(([key, r]) => {
    const [target, level] = key.split('@') as [string, string];
    const m = (pick: (p: Paced) => number) => f(summarize(r.map(pick)).median);
    const errors = r.reduce((n, p) => n + p.errors, 0);
    return `| ${labels[target]} | ${Number(level) * 100} %${target === 'hello' ? ' of Vigil short' : ''} | ${m((p) => p.rate)} | ${m((p) => p.p50Ms)} / ${m((p) => p.p90Ms)} / ${m((p) => p.p99Ms)} | ${m((p) => p.maxMs)} | ${errors} |`;
  }),
  '',
  `${rounds} round(s) of ${seconds} s per target and concurrency; latency medians over rounds (autocannon: 1 ms resolution). ` +
    `Audit: Vigil ${report.audit.vigilAudited} api_audit rows for ${report.audit.vigilScoreResponses} /v1/score responses; ` +
    `peer ${report.audit.peerAudited} rows for ${report.audit.peerScoreResponses}.`,
  '',
];
process.stdout.write(lines.join('\n'));
mkdirSync(new URL('results/', import.meta.url), { recursive: true });
writeFileSync(
  new URL(`results/serving-${report.at.replace(/[:.]/g, '-')}.json`, import.meta.url),
  `${JSON.stringify(report, null, 2)}\n`,
);
