/**
 * `npx tsx bench/serving-profile.ts [--requests 200] [--readings 90] [--stride 10]`: where the time of POST /v1/score
 * goes (default: 15 min of one pump at one reading per 10 s, the shortest history the committed model scores).
 * Sends sequential requests through fastify's inject() (no socket, no load generator in the profile) and prints
 * the latency distribution; run it under `node --cpu-prof --import tsx` to see the functions.
 */
import { openServingBench, pumpSequence } from './lib/serving-setup.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const requests = arg('requests', 200);
const readings = arg('readings', 90);
const stride = arg('stride', 10);
const bench = await openServingBench();
const payload = JSON.stringify(pumpSequence(readings, stride));
const headers = { authorization: `Bearer ${bench.token}`, 'content-type': 'application/json' };
const send = () => bench.server.app.inject({ method: 'POST', url: '/v1/score', headers, payload });
const first = await send();
if (first.statusCode !== 200) throw new Error(`POST /v1/score answered ${first.statusCode}: ${first.body}`);
const summary = (first.json() as { summary: { readings: number; scored: number } }).summary;
for (let i = 0; i < 20; i++) await send();
const ms: number[] = [];
const cpu = process.cpuUsage();
const started = performance.now();
for (let i = 0; i < requests; i++) {
  const t = performance.now();
  await send();
  ms.push(performance.now() - t);
}
const wall = performance.now() - started;
// CPU time per request (user + system, this process): steadier than wall time on a machine shared with other work.
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / requests;
await bench.close();
ms.sort((a, b) => a - b);
const q = (p: number) => ms[Math.min(ms.length - 1, Math.floor(p * ms.length))]!.toFixed(2);
process.stdout.write(
  `${summary.readings} readings (${summary.scored} scored) x ${requests} sequential inject() requests: ` +
    `${((requests / wall) * 1000).toFixed(1)} req/s, CPU ${cpuMs.toFixed(2)} ms/request, ` +
    `min ${q(0)} ms, p25 ${q(0.25)} ms, p50 ${q(0.5)} ms, p90 ${q(0.9)} ms, p99 ${q(0.99)} ms, max ${q(1)} ms\n`,
);
