/**
 * Child of bench/serving.ts: an open-loop load generator. `npx tsx bench/paced-client.ts <url> <rate> <seconds>
 * [--token T] [--body FILE] [--sockets 32]` sends a request every 1/rate s whatever the answers (keep-alive sockets,
 * at most `sockets` at once; a request due while all are busy queues for one) and prints one JSON line: latency
 * percentiles in ms, each from the moment the request is issued to the end of its answer, queueing included.
 *
 * Why not autocannon, which bench/serving.ts uses for throughput: it is a closed loop (a connection sends its next
 * request when the answer arrives; its rate option sends each second's quota back to back), so a server that
 * stalls for 50 ms delays one request per connection, where independent clients would have sent 15 meanwhile, all
 * of them waiting (coordinated omission). Its histogram also has a 1 ms resolution.
 */
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { percentile } from './lib/stats.js';

function option(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

const [url, rateArg, secondsArg] = process.argv.slice(2);
const rate = Number(rateArg);
const seconds = Number(secondsArg);
if (!url || !(rate > 0) || !(seconds > 0)) {
  process.stderr.write('usage: paced-client.ts <url> <requests per second> <seconds> [--token T] [--body FILE]\n');
  process.exit(2);
}
const token = option('token');
const bodyFile = option('body');
const body = bodyFile ? readFileSync(bodyFile) : undefined;
const agent = new Agent({ keepAlive: true, maxSockets: Number(option('sockets') ?? 32) });
const target = new URL(url);
const headers: Record<string, string | number> = {};
if (token) headers.authorization = `Bearer ${token}`;
if (body) {
  headers['content-type'] = 'application/json';
  headers['content-length'] = body.length;
}

const total = Math.max(1, Math.round(rate * seconds));
const latencies: number[] = [];
let errors = 0;
/** How far this client fell behind its own schedule: its lateness is not in the latencies, so it is printed. */
let behindMs = 0;

function send(): Promise<void> {
  const issuedAt = performance.now();
  return new Promise((resolve) => {
    const failed = () => {
      errors++;
      resolve();
    };
    const req = request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: body ? 'POST' : 'GET',
        headers,
        agent,
      },
      (res) => {
        res.resume();
        res.once('error', failed);
        res.once('end', () => {
          if (res.statusCode === 200) latencies.push(performance.now() - issuedAt);
          else errors++;
          resolve();
        });
      },
    );
    req.once('error', failed);
    req.end(body);
  });
}

// Open a few sockets and warm the route first (not measured).
const WARMUP = 4;
await Promise.all(Array.from({ length: WARMUP }, send));
latencies.length = 0;
errors = 0;

const inFlight: Promise<void>[] = [];
const start = performance.now() + 10;
for (let i = 0; i < total; i++) {
  const dueAt = start + (i * 1000) / rate;
  const wait = dueAt - performance.now();
  // setTimeout has a 1 ms granularity: sleep the whole milliseconds; a send is at most 1 ms early, never on average.
  if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, Math.floor(wait)));
  behindMs = Math.max(behindMs, performance.now() - dueAt);
  inFlight.push(send());
}
await Promise.all(inFlight);
agent.destroy();
const ms = (p: number) => Number(percentile(latencies, p).toFixed(3));
process.stdout.write(
  `${JSON.stringify({
    rate,
    seconds,
    sent: total,
    warmup: WARMUP,
    answered: latencies.length,
    errors,
    p50Ms: ms(50),
    p90Ms: ms(90),
    p99Ms: ms(99),
    maxMs: ms(100),
    behindMs: Number(behindMs.toFixed(3)),
  })}\n`,
);
