import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_ALERT_POLICY } from '../../core/alerts/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import {
  type BatchScorer,
  type PipelineItem,
  type ScoringModel,
  ScoringPipeline,
  sensorStream,
  staticModels,
} from '../../core/scoring/index.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const DEFAULTS = {
  windowsMs: [60_000, 300_000],
  allowedLatenessMs: 30_000,
  warmupSpanFraction: 0.5,
  warmupMinEvents: 0,
};
const stream = sensorStream(DEFAULTS, (t) => channelSpecs(t)?.map((c) => c.name));
const POLICY = { ...DEFAULT_ALERT_POLICY, name: 'test' };

/** A deterministic stand-in for an ONNX model: the largest |feature| scaled down; a pure function of the row. */
const maxAbsScorer: BatchScorer = {
  async scoreBatch(rows, n) {
    const width = rows.length / n;
    const out = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      let max = 0;
      for (let j = 0; j < width; j++) max = Math.max(max, Math.abs(rows[i * width + j]!));
      out[i] = max / 1000;
    }
    return out;
  },
};

function model(role: 'production' | 'shadow', threshold: number): ScoringModel {
  return {
    name: 'sensors-pump',
    version: role === 'production' ? '1' : '2',
    role,
    threshold,
    featureSetHash: '',
    scorer: maxAbsScorer,
  };
}

function readings(minutes: number, seed = 7): PipelineItem<SensorReading>[] {
  const start = Date.UTC(2026, 0, 5, 8);
  const sim = new PlantSimulator(defaultPlant(), { seed, start, end: start + minutes * 60_000, assets: 2 });
  const items: PipelineItem<SensorReading>[] = [];
  for (let r = sim.next(), i = 0; r !== null; r = sim.next(), i++) {
    items.push({ event: r, source: { topic: 't', partition: 0, offset: String(i) } });
  }
  return items;
}

async function runInBatches(items: PipelineItem<SensorReading>[], sizes: (i: number) => number) {
  const pipeline = new ScoringPipeline(
    stream,
    staticModels({ pump: [model('production', 2.5), model('shadow', 2)] }),
    POLICY,
  );
  const inferences = [];
  const alerts = [];
  let late = 0;
  for (let i = 0; i < items.length; ) {
    const n = Math.max(1, sizes(i));
    const out = await pipeline.process(items.slice(i, i + n), { emit: true, scoredAt: 0 });
    inferences.push(...out.inferences);
    alerts.push(...out.alerts);
    late += out.late.length;
    i += n;
  }
  return { inferences, alerts, late };
}

describe('scoring pipeline', () => {
  const items = readings(8);

  it('scores ready vectors of known subjects with every model of the subject', async () => {
    const { inferences } = await runInBatches(items, () => 500);
    expect(inferences.length).toBeGreaterThan(0);
    const roles = new Set(inferences.map((i) => i.modelRole));
    expect(roles).toEqual(new Set(['production', 'shadow']));
    const first = inferences[0]!;
    expect(first.featureSet).toBe('sensors.pump');
    expect(Object.keys(first.features).length).toBeGreaterThan(50);
    expect(first.anomaly).toBe(first.score > first.threshold);
  });

  it('gives identical rows whatever the batch sizes (1, 500, random)', async () => {
    const reference = await runInBatches(items, () => 500);
    const one = await runInBatches(items, () => 1);
    expect(one).toEqual(reference);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 20 }), async (sizes) => {
        const random = await runInBatches(items, (i) => sizes[i % sizes.length]!);
        expect(random).toEqual(reference);
      }),
      { numRuns: 5 },
    );
  });

  it('produces no rows but advances state when emit is false', async () => {
    const pipeline = new ScoringPipeline(stream, staticModels({ pump: [model('production', 2.5)] }), POLICY);
    const half = Math.floor(items.length / 2);
    const silent = await pipeline.process(items.slice(0, half), { emit: false, scoredAt: 0 });
    expect(silent.inferences).toEqual([]);
    expect(silent.features).toEqual([]);
    const rest = await pipeline.process(items.slice(half), { emit: true, scoredAt: 0 });
    const full = new ScoringPipeline(stream, staticModels({ pump: [model('production', 2.5)] }), POLICY);
    const all = await full.process(items, { emit: true, scoredAt: 0 });
    const tail = all.inferences.filter((i) => Number(i.sourceOffset) >= half);
    expect(rest.inferences).toEqual(tail);
  });

  it('keeps inference ids stable across runs and distinct across roles', async () => {
    const a = await runInBatches(items, () => 100);
    const b = await runInBatches(items, () => 37);
    expect(a.inferences.map((i) => i.inferenceId)).toEqual(b.inferences.map((i) => i.inferenceId));
    expect(new Set(a.inferences.map((i) => i.inferenceId)).size).toBe(a.inferences.length);
  });

  it('stamps scoredAt after the model calls when given a clock', async () => {
    let calls = 0;
    const counting: BatchScorer = {
      async scoreBatch(rows, n) {
        calls++;
        return maxAbsScorer.scoreBatch(rows, n);
      },
    };
    const pipeline = new ScoringPipeline(
      stream,
      staticModels({ pump: [{ ...model('production', 2.5), scorer: counting }] }),
      POLICY,
    );
    // The clock reads the number of model calls made so far: 0 if it were read before scoring.
    const out = await pipeline.process(items, { emit: true, scoredAt: () => 1_000 + calls });
    expect(out.inferences.length).toBeGreaterThan(0);
    expect(calls).toBeGreaterThan(0);
    expect(new Set(out.inferences.map((i) => i.scoredAt))).toEqual(new Set([1_000 + calls]));
  });

  it('sets aside events of unknown asset types', async () => {
    const pipeline = new ScoringPipeline(stream, staticModels({}), POLICY);
    const alien = { ...items[0]!, event: { ...items[0]!.event, assetType: 'teleporter' } };
    const out = await pipeline.process([alien], { emit: true, scoredAt: 0 });
    expect(out.unknownSubject).toHaveLength(1);
    expect(out.accepted).toHaveLength(0);
  });
});
