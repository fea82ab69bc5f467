/**
 * `npx tsx bench/onnx-call.ts [--model models/sensors-pump] [--rows 1,3,10,100,1000] [--calls 3000]`: what one
 * `OnnxScorer.scoreBatch` call costs (the processor's session settings: CPU, one intra-op thread) by the number
 * of rows it scores: µs per call and per row, median of 5 timed runs after a warm-up. The processor makes one call
 * per model per fetched partition batch, so at live rates (a few events per batch) the per-call cost is most of
 * its model time (bench/README.md, "sixth").
 */
import { join } from 'node:path';
import { OnnxScorer, readCard } from '../adapters/onnx/index.js';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : fallback;
}

const dir = option('model', 'models/sensors-pump');
const rowCounts = option('rows', '1,3,10,100,1000').split(',').map(Number);
const rowsPerRun = Number(option('calls', '3000'));
if (!rowCounts.every((n) => Number.isInteger(n) && n > 0) || !(rowsPerRun > 0)) {
  process.stderr.write('usage: onnx-call.ts [--model <dir>] [--rows n,n,...] [--calls n]\n');
  process.exit(2);
}

const card = await readCard(dir);
const scorer = await OnnxScorer.load(card, join(dir, 'model.onnx'));
const width = scorer.featureCount;
const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

console.log(`${card.name} ${card.version}: ${width} features, one intra-op thread`);
console.log('| rows per call | µs per call | µs per row |');
console.log('|---|---|---|');
try {
  for (const n of rowCounts) {
    // Fixed pseudo-random values: the trees' paths, and so the cost, depend on them.
    const rows = Array.from({ length: n }, (_, r) =>
      Float64Array.from({ length: width }, (_, c) => Math.sin(r * 31 + c * 7) * 10),
    );
    const calls = Math.max(20, Math.ceil(rowsPerRun / n));
    for (let i = 0; i < calls; i++) await scorer.scoreBatch(rows);
    const perCall: number[] = [];
    for (let run = 0; run < 5; run++) {
      const started = performance.now();
      for (let i = 0; i < calls; i++) await scorer.scoreBatch(rows);
      perCall.push(((performance.now() - started) * 1000) / calls);
    }
    const us = median(perCall);
    console.log(`| ${n} | ${us.toFixed(0)} | ${(us / n).toFixed(1)} |`);
  }
} finally {
  await scorer.close();
}
