import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../core/events/types.js';
import { channelSpecs, defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { parsePlant } from '../../core/plant/schema.js';
import { withOverrides } from '../../producers/plant/load-plant.js';
import { type PlantSimulationOptions, PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { runHistorical } from '../../producers/run-source.js';
import { JsonlFileSink } from '../../producers/sinks/jsonl-sink.js';

const MONDAY = Date.UTC(2024, 0, 8);
const HOUR = 3_600_000;

function digest(options: PlantSimulationOptions, plant = defaultPlant()): string {
  const hash = createHash('sha256');
  const sim = new PlantSimulator(plant, options);
  for (let r = sim.next(); r !== null; r = sim.next()) hash.update(`${JSON.stringify(r)}\n`);
  return hash.digest('hex');
}

function collect(options: PlantSimulationOptions, plant = defaultPlant()) {
  const sim = new PlantSimulator(plant, options);
  const out: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) out.push(r);
  return { sim, readings: out };
}

function pearson(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((a, b) => a + b, 0) / n;
  const my = ys.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dx = (xs[i] as number) - mx;
    const dy = (ys[i] as number) - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe('plant catalogue', () => {
  it('validates the committed default plant and exposes channel specs per asset type', () => {
    const plant = defaultPlant();
    expect(Object.keys(plant.assetTypes).sort()).toEqual(['cnc_spindle', 'compressor', 'conveyor', 'motor', 'pump']);
    const pump = channelSpecs('pump');
    expect(pump).toContainEqual({ name: 'vibration_rms', unit: 'mm/s', min: 0, max: 50, required: true });
    expect(pump?.find((c) => c.name === 'suction_pressure')?.required).toBe(false);
    expect(channelSpecs('pump')).toBe(pump);
    expect(channelSpecs('unknown_type')).toBeUndefined();
  });

  it('lists every problem of an invalid plant with the path of the bad field', () => {
    const raw = JSON.parse(JSON.stringify(defaultPlant()));
    raw.assetTypes.pump.channels[2].max = -5;
    raw.assets[0].type = 'pumpp';
    raw.assets[1].line = 'nowhere';
    raw.dataProblems.missingRate = 2;
    let message = '';
    try {
      parsePlant(raw, 'my-plant.json');
    } catch (error) {
      message = (error as Error).message;
      expect((error as { code: string }).code).toBe('VIGIL_PLANT_INVALID');
    }
    expect(message).toContain('my-plant.json');
    expect(message).toContain('assetTypes.pump.channels[2].max: min must be below max');
    expect(message).toContain('assets[0].type: unknown asset type "pumpp"');
    expect(message).toContain('assets[1].line: site "north" has no line "nowhere"');
    expect(message).toContain('dataProblems.missingRate');
  });
});

describe('plant simulator determinism', () => {
  const base = { start: MONDAY, end: MONDAY + HOUR };

  it('gives the same sha256 for the same seed and a different one for another seed', () => {
    const a = digest({ ...base, seed: 42 });
    expect(digest({ ...base, seed: 42 })).toBe(a);
    expect(digest({ ...base, seed: 43 })).not.toBe(a);
  });

  it('writes byte-identical JSONL files for the same seed', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'vigil-sim-'));
    const hashes: string[] = [];
    for (const name of ['a.jsonl', 'b.jsonl']) {
      const path = join(dir, name);
      const truthPath = join(dir, `truth-${name}`);
      const pending: GroundTruth[] = [];
      const sim = new PlantSimulator(withOverrides(defaultPlant(), { faultsPerAssetPerDay: 50 }), {
        ...base,
        seed: 9,
        onTruth: (t) => pending.push(t),
      });
      const truthSink = new JsonlFileSink<GroundTruth>(truthPath);
      const sink = new JsonlFileSink<SensorReading>(path);
      const result = await runHistorical({ source: sim, sink, truth: { pending, sink: truthSink } });
      await sink.close();
      await truthSink.close();
      expect(result.events).toBe(sim.stats.emitted);
      expect(result.truthRecords).toBeGreaterThan(0);
      expect(readFileSync(path, 'utf8').split('\n').length - 1).toBe(result.events);
      hashes.push(createHash('sha256').update(readFileSync(path)).update(readFileSync(truthPath)).digest('hex'));
    }
    expect(hashes[0]).toBe(hashes[1]);
  });

  it('is deterministic for any seed (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 0xffffffff }), (seed) => {
        const options = { seed, start: MONDAY, end: MONDAY + 5 * 60_000, assets: 3 };
        const first = digest(options);
        return digest(options) === first;
      }),
      { numRuns: 15 },
    );
  });

  it('emits unique, well-formed event ids and per-asset sequence numbers', () => {
    const clean = withOverrides(defaultPlant(), { noDataProblems: true });
    const { readings } = collect({ seed: 1, start: MONDAY, end: MONDAY + HOUR }, clean);
    const ids = new Set(readings.map((r) => r.eventId));
    expect(ids.size).toBe(readings.length);
    for (const id of [...ids].slice(0, 100))
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const lastSeq = new Map<string, number>();
    let lastTime = 0;
    const problems: string[] = [];
    for (const r of readings) {
      if (r.seq !== (lastSeq.get(r.assetId) ?? -1) + 1) problems.push(`${r.assetId} seq ${r.seq}`);
      lastSeq.set(r.assetId, r.seq);
      // Clean data comes in time order across assets.
      if (r.eventTime < lastTime) problems.push(`${r.assetId} at ${r.eventTime} after ${lastTime}`);
      lastTime = r.eventTime;
    }
    expect(problems).toEqual([]);
  });

  it('keeps every clean reading inside the catalogue: required channels present, values within range', () => {
    const clean = withOverrides(defaultPlant(), { noDataProblems: true, faultsPerAssetPerDay: 0 });
    const { readings } = collect({ seed: 3, start: MONDAY, end: MONDAY + HOUR }, clean);
    const problems: string[] = [];
    for (const r of readings) {
      for (const spec of channelSpecs(r.assetType) ?? []) {
        const value = r.channels[spec.name];
        if (spec.required && typeof value !== 'number') problems.push(`${r.assetId}.${spec.name} missing`);
        if (value !== undefined && !(value >= spec.min && value <= spec.max)) {
          problems.push(`${r.assetId}.${spec.name}=${value} outside ${spec.min}..${spec.max}`);
        }
      }
    }
    expect(readings.length).toBeGreaterThan(10_000);
    expect(problems).toEqual([]);
  });
});

describe('plant simulator data problems', () => {
  const rates = { missingRate: 0.02, duplicateRate: 0.01, outOfOrderRate: 0.02, lateRate: 0.01, nanRate: 0.005 };
  const plant = withOverrides(defaultPlant(), { ...rates, faultsPerAssetPerDay: 0 });
  const { sim, readings } = collect({ seed: 5, start: MONDAY, end: MONDAY + 6 * HOUR, assets: 6 }, plant);
  const generated = sim.stats.generated;
  const within = (observed: number, expected: number, tolerance = 0.2) => {
    expect(observed).toBeGreaterThan(expected * (1 - tolerance));
    expect(observed).toBeLessThan(expected * (1 + tolerance));
  };

  it('drops the configured share of readings (gaps in seq)', () => {
    const seen = new Map<string, Set<number>>();
    for (const r of readings) {
      const seqs = seen.get(r.assetId) ?? new Set();
      seen.set(r.assetId, seqs);
      seqs.add(r.seq);
    }
    let gaps = 0;
    for (const seqs of seen.values()) gaps += Math.max(...seqs) + 1 - seqs.size;
    within(gaps, rates.missingRate * generated);
  });

  it('re-sends the configured share with the same eventId', () => {
    const ids = new Set<string>();
    let duplicates = 0;
    for (const r of readings) {
      if (ids.has(r.eventId)) duplicates++;
      ids.add(r.eventId);
    }
    within(duplicates, rates.duplicateRate * (1 - rates.missingRate) * generated);
  });

  it('delivers out-of-order (a few samples) and late (>= 30 s) readings at the configured rates', () => {
    const newest = new Map<string, number>();
    const ids = new Set<string>();
    let outOfOrder = 0;
    let late = 0;
    for (const r of readings) {
      const first = !ids.has(r.eventId);
      ids.add(r.eventId);
      const lag = (newest.get(r.assetId) ?? Number.NEGATIVE_INFINITY) - r.eventTime;
      if (first && lag > 0) {
        if (lag >= 20_000) late++;
        else outOfOrder++;
      }
      newest.set(r.assetId, Math.max(newest.get(r.assetId) ?? Number.NEGATIVE_INFINITY, r.eventTime));
    }
    const kept = (1 - rates.missingRate) * generated;
    within(late, rates.lateRate * kept, 0.25);
    within(outOfOrder, rates.outOfOrderRate * kept, 0.25);
  });

  it('reports NaN values at the configured rate', () => {
    const ids = new Set<string>();
    let nan = 0;
    for (const r of readings) {
      if (ids.has(r.eventId)) continue;
      ids.add(r.eventId);
      if (Object.values(r.channels).some((v) => Number.isNaN(v))) nan++;
    }
    within(nan, rates.nanRate * (1 - rates.missingRate) * generated, 0.3);
  });
});

describe('plant simulator physics', () => {
  const clean = withOverrides(defaultPlant(), { noDataProblems: true, faultsPerAssetPerDay: 0 });

  it('current follows load, flow follows pressure, and temperature lags load', () => {
    // One pump, one day: each next() samples it, so the hidden load can be read alongside.
    const sim = new PlantSimulator(clean, { seed: 11, start: MONDAY, end: MONDAY + 24 * HOUR, assets: 1, hz: 0.1 });
    const load: number[] = [];
    const current: number[] = [];
    const flow: number[] = [];
    const pressure: number[] = [];
    const temp: number[] = [];
    for (let r = sim.next(); r !== null; r = sim.next()) {
      load.push(sim.assets[0]!.load);
      current.push(r.channels.motor_current as number);
      flow.push(r.channels.flow as number);
      pressure.push(r.channels.discharge_pressure as number);
      temp.push(r.channels.bearing_temp as number);
    }
    expect(pearson(current, load)).toBeGreaterThan(0.95);
    expect(pearson(flow, pressure)).toBeGreaterThan(0.9);
    // Temperature matches the load of several minutes ago better than the present load (first-order lag).
    const lag = 60; // samples of 10 s = 10 minutes
    const lagged = pearson(temp.slice(lag), load.slice(0, -lag));
    expect(lagged).toBeGreaterThan(pearson(temp, load));
  });

  it('stops shift-worked lines outside their shifts and at the weekend', () => {
    const saturday = Date.UTC(2024, 0, 13);
    const belt = (start: number) => {
      const { readings } = collect({ seed: 2, start, end: start + 10 * 60_000 }, clean);
      const speeds = readings.filter((r) => r.assetType === 'conveyor').map((r) => r.channels.belt_speed as number);
      return speeds.reduce((a, b) => a + b, 0) / speeds.length;
    };
    expect(belt(MONDAY + 12 * HOUR)).toBeGreaterThan(2);
    expect(belt(MONDAY + 3 * HOUR)).toBeLessThan(0.1);
    expect(belt(saturday + 12 * HOUR)).toBeLessThan(0.1);
  });

  it('varies continuous process load with the time of day', () => {
    const meanCurrent = (hour: number) => {
      const start = MONDAY + hour * HOUR;
      const { readings } = collect({ seed: 4, start, end: start + HOUR, assets: 4, hz: 0.2 }, clean);
      const xs = readings.map((r) => r.channels.motor_current as number);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(meanCurrent(14)).toBeGreaterThan(meanCurrent(2));
  });
});
