/**
 * `npx tsx bench/onnx-call.ts [--model models/sensors-pump] [--rows 1,3,10,100,1000] [--rows-per-run 3000]`: what
 * one `OnnxScorer.scoreBatch` call costs (the processor's session settings: CPU, one intra-op thread) by the number
 * of rows it scores: µs per call and per row, median of 5 timed runs after one warm-up run. Each run makes enough
 * calls to score `--rows-per-run` rows (at least 20 calls). The processor makes one call per model per fetched
 * partition batch, so at live rates (a few events per batch) the per-call cost is most of its model time
 * (bench/README.md, "sixth").
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { OnnxScorer, readCard } from '../adapters/onnx/index.js';
import { repeat } from './lib/stats.js';

const { values } = parseArgs({
  options: {
    model: { type: 'string', default: 'models/sensors-pump' },
    rows: { type: 'string', default: '1,3,10,100,1000' },
    'rows-per-run': { type: 'string', default: '3000' },
  },
});
const rowCounts = values.rows.split(',').map(Number);
const rowsPerRun = Number(values['rows-per-run']);
if (!rowCounts.every((n) => Number.isInteger(n) && n > 0) || !(rowsPerRun > 0)) {
  process.stderr.write('usage: onnx-call.ts [--model <dir>] [--rows n,n,...] [--rows-per-run n]\n');
  process.exit(2);
}

const card = await readCard(values.model);
const scorer = await OnnxScorer.load(card, join(values.model, 'model.onnx'));
const width = scorer.featureCount;

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
    const { summary } = await repeat(5, 1, async () => {
      const started = performance.now();
      for (let i = 0; i < calls; i++) await scorer.scoreBatch(rows);
      return ((performance.now() - started) * 1000) / calls;
    });
    console.log(`| ${n} | ${summary.median.toFixed(0)} | ${(summary.median / n).toFixed(1)} |`);
  }
} finally {
  await scorer.close();
}
