/**
 * Child process of the latency suite: publishes live readings (event time = now) through Vigil's publisher at
 * fixed rates, one level after another from `first level at` (epoch ms), and prints one JSON line per level to
 * stdout. A level of R events/s is the plant's first N assets whose types' sample intervals add up to R
 * (bench/lib/dataset.ts assetsForRate), going on with the simulations whose history the suite back-filled
 * (levelGroups): values and event ids continue where the history ends. A separate process so that publishing
 * does not take the measured processor's event loop.
 *
 *   tsx bench/rate-publisher.ts <seconds per level> <history ms> <first level at> <rate,rate,...>   (config from env)
 */
import { createLogger } from '../adapters/logger.js';
import { loadConfig } from '../core/config/index.js';
import type { SensorReading } from '../core/events/types.js';
import { openPublisher } from '../producers/publish/open-publisher.js';
import { levelGroups } from './lib/dataset.js';

const [secondsArg, historyArg, firstArg, ratesArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const historyMs = Number(historyArg);
const firstLevelAt = Number(firstArg);
const rates = (ratesArg ?? '').split(',').map(Number);
if (
  !(seconds > 0 && historyMs > 0 && firstLevelAt > 0 && rates.length > 0) ||
  !rates.every((r) => Number.isInteger(r) && r > 0)
) {
  process.stderr.write(
    'usage: rate-publisher.ts <seconds per level> <history ms> <first level at (epoch ms)> <rate,rate,...>\n',
  );
  process.exit(2);
}

const config = loadConfig(process.env);
const publisher = await openPublisher('sensor-readings', config, createLogger(config.general.logLevel));
const levelMs = seconds * 1000;
// The simulations the suite back-filled, from where their history ends (prepared before the first level is due).
const groups = levelGroups(rates, firstLevelAt, levelMs, historyMs);
const heads = groups.map((g) => {
  let r = g.next();
  while (r !== null && r.eventTime < g.liveFrom) r = g.next();
  return r;
});
/** The next live reading of all groups, in event time order. */
function next(): SensorReading | null {
  let at = -1;
  for (let g = 0; g < heads.length; g++) {
    if (heads[g] !== null && (at < 0 || heads[g]!.eventTime < heads[at]!.eventTime)) at = g;
  }
  if (at < 0) return null;
  const reading = heads[at]!;
  heads[at] = groups[at]!.next();
  return reading;
}
// Each reading leaves at its event time, to the millisecond: the wait is part of the latency measured.
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
let reading = next();
for (const [index, rate] of rates.entries()) {
  const start = firstLevelAt + index * levelMs;
  const end = start + levelMs;
  process.stdout.write(`${JSON.stringify({ phase: 'start', index, rate, start, end })}\n`);
  let published = 0;
  let maxBehindMs = 0;
  // Behind schedule = now minus the newest event time written: the simulator's duplicates are sent again later
  // with their old event time and say nothing about the publisher keeping up.
  let newest = 0;
  for (; reading !== null && reading.eventTime < end; reading = next()) {
    while (Date.now() < reading.eventTime) await tick();
    newest = Math.max(newest, reading.eventTime);
    maxBehindMs = Math.max(maxBehindMs, Date.now() - newest);
    const wait = publisher.write(reading);
    if (wait) await wait;
    published++;
  }
  await publisher.flush();
  process.stdout.write(`${JSON.stringify({ phase: 'end', index, rate, start, end, published, maxBehindMs })}\n`);
}
await publisher.close();
