/**
 * Child process of the latency suite: publishes live readings (event time = now) through Vigil's publisher at
 * fixed rates, one level after another from `first level at` (epoch ms), and prints one JSON line per level to
 * stdout. A level of R events/s is the plant's first N assets whose types' sample intervals add up to R
 * (bench/lib/dataset.ts assetsForRate): the assets the suite gave a history that ends at this level's start. A
 * separate process so that publishing does not take the measured processor's event loop.
 *
 *   tsx bench/rate-publisher.ts <seconds per level> <first level at> <rate,rate,...>   (config from the environment)
 */
import { createLogger } from '../adapters/logger.js';
import { loadConfig } from '../core/config/index.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import { PlantSimulator } from '../producers/plant/plant-simulator.js';
import { openPublisher } from '../producers/publish/open-publisher.js';
import { assetsForRate, DATASET_SEED } from './lib/dataset.js';

const [secondsArg, firstArg, ratesArg] = process.argv.slice(2);
const seconds = Number(secondsArg);
const firstLevelAt = Number(firstArg);
const rates = (ratesArg ?? '').split(',').map(Number);
if (!(seconds > 0 && firstLevelAt > 0 && rates.length > 0 && rates.every((r) => Number.isInteger(r) && r > 0))) {
  process.stderr.write('usage: rate-publisher.ts <seconds per level> <first level at (epoch ms)> <rate,rate,...>\n');
  process.exit(2);
}

const config = loadConfig(process.env);
const publisher = await openPublisher('sensor-readings', config, createLogger(config.general.logLevel));
// The simulator holds some readings back on purpose (out of order by 1-10 sample intervals, late by 30 s to 10 min)
// and sends them with their old event time: as latency that would be the simulated network's delay, not Vigil's.
// Live readings here are sent in order; the other data problems (missing, duplicated, NaN) stay.
const plant = defaultPlant();
const liveOrderPlant = { ...plant, dataProblems: { ...plant.dataProblems, outOfOrderRate: 0, lateRate: 0 } };
// Each reading leaves at its event time, to the millisecond: the wait is part of the latency measured.
const tick = () => new Promise((resolve) => setTimeout(resolve, 1));
for (const [index, rate] of rates.entries()) {
  const start = firstLevelAt + index * seconds * 1000;
  const end = start + seconds * 1000;
  // A seed of its own per level: event ids derive from the seed and a sequence number that starts again at 0.
  const sim = new PlantSimulator(liveOrderPlant, {
    seed: DATASET_SEED + index + 1,
    start,
    end,
    assets: assetsForRate(rate),
  });
  process.stdout.write(`${JSON.stringify({ phase: 'start', index, rate, start, end })}\n`);
  let published = 0;
  let maxBehindMs = 0;
  // Behind schedule = now minus the newest event time written: the simulator's late and out-of-order readings
  // carry old event times on purpose and say nothing about the publisher keeping up.
  let newest = 0;
  for (let r = sim.next(); r !== null; r = sim.next()) {
    while (Date.now() < r.eventTime) await tick();
    newest = Math.max(newest, r.eventTime);
    maxBehindMs = Math.max(maxBehindMs, Date.now() - newest);
    const wait = publisher.write(r);
    if (wait) await wait;
    published++;
  }
  await publisher.flush();
  process.stdout.write(`${JSON.stringify({ phase: 'end', index, rate, start, end, published, maxBehindMs })}\n`);
}
await publisher.close();
