// Temporary diagnostic (not committed): score ratios per fault kind vs normal.

import { catalogueChannels } from '../cli/commands/train-history.js';
import { alertPolicyFromConfig } from '../core/alerts/index.js';
import { configWith } from '../core/config/index.js';
import { defaultPlant } from '../core/plant/catalogue.js';
import type { GroundTruth } from '../core/plant/ground-truth.js';
import { ScoringPipeline, sensorStream } from '../core/scoring/index.js';
import { fleet, PlantSimulator } from '../producers/plant/plant-simulator.js';
import { openDirectoryModels } from './model-dir-models.js';
import { runOffline } from './offline-run.js';

const config = configWith({ LOG_LEVEL: 'silent' });
const base = defaultPlant();
const rate = Number(process.argv[2] ?? 12);
const hours = Number(process.argv[3] ?? 6);
const plant = { ...base, faults: { ...base.faults, perAssetPerDay: rate } };
const stream = sensorStream(config.features, catalogueChannels(plant));
const assets = fleet(plant);
const types = [...new Set(assets.map((a) => a.type))];
const from = Date.UTC(2026, 2, 2);
const to = from + hours * 3_600_000;
const truth: GroundTruth[] = [];
const sim = new PlantSimulator(plant, { seed: 77, start: from - 930_000, end: to, onTruth: (t) => truth.push(t) });
const models = await openDirectoryModels('models', 'sensors', types, (t) => stream.featureSet(t));
const pipeline = new ScoringPipeline(stream, models.selector, alertPolicyFromConfig('x', config.alerts));
function* drain() {
  for (let r = sim.next(); r !== null; r = sim.next()) yield r;
}
const run = await runOffline({ events: drain(), pipeline, scoredAt: 0 });
const byKind = new Map<string, number[]>();
const normal = new Map<string, number[]>();
const typeOf = new Map(assets.map((a) => [a.id, a.type]));
for (const s of run.trace.series()) {
  const faults = truth.filter((t) => t.key === s.key);
  const nr: number[] = [];
  for (const f of faults) {
    let max = 0;
    let flags = 0;
    let maxRun = 0;
    let cur = 0;
    for (let i = 0; i < s.times.length; i++) {
      const t = s.times[i]!;
      if (t < f.start || t > f.end + 900_000) continue;
      const r = s.scores[i]! / s.threshold;
      max = Math.max(max, r);
      if (r > 1) {
        flags++;
        cur++;
        maxRun = Math.max(maxRun, cur);
      } else cur = 0;
    }
    console.log(
      f.kind.padEnd(18),
      s.key.padEnd(8),
      `sev ${f.severity.toFixed(2)} dur ${((f.end - f.start) / 60000).toFixed(1)}m maxRatio ${max.toFixed(2)} flags ${flags} maxRun ${maxRun} ch ${f.channels.join(',')}`,
    );
  }
  for (let i = 0; i < s.times.length; i++) {
    const t = s.times[i]!;
    if (t < from) continue;
    if (faults.some((f) => t >= f.start - 60_000 && t <= f.end + 900_000)) continue;
    nr.push(s.scores[i]! / s.threshold);
  }
  nr.sort((a, b) => a - b);
  const q = (p: number) => nr[Math.floor(p * (nr.length - 1))]?.toFixed(2);
  console.log(
    'normal',
    typeOf.get(s.key),
    s.key,
    nr.length,
    'q50',
    q(0.5),
    'q99',
    q(0.99),
    'q999',
    q(0.999),
    'q9999',
    q(0.9999),
    'max',
    nr.at(-1)?.toFixed(2),
    'flagged',
    nr.filter((r) => r > 1).length,
  );
}
await models.close();
