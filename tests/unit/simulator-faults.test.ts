/**
 * Every fault kind appears in the ground truth and is visible in the data it marks. Each check compares the
 * faulted run with a twin run without faults: the physics random stream does not depend on the fault stream,
 * so the twin holds exactly the values the channel would have had, and the fault's effect is the difference.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { SensorReading } from '../../core/events/types.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { FAULT_KINDS, type Plant } from '../../core/plant/schema.js';
import { withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const START = Date.UTC(2024, 0, 8);
const END = START + 2 * 86_400_000;
/** The first six assets of the default plant: pumps and compressors on continuous lines. */
const ASSETS = 6;
const HZ = 0.1;

type Series = Map<number, SensorReading>;

function run(plant: Plant): { byAsset: Map<string, Series>; truth: GroundTruth[] } {
  const truth: GroundTruth[] = [];
  const sim = new PlantSimulator(plant, {
    seed: 7,
    start: START,
    end: END,
    assets: ASSETS,
    hz: HZ,
    onTruth: (t) => truth.push(t),
  });
  const byAsset = new Map<string, Series>();
  for (let r = sim.next(); r !== null; r = sim.next()) {
    const series = byAsset.get(r.assetId) ?? new Map<number, SensorReading>();
    byAsset.set(r.assetId, series);
    series.set(r.eventTime, r);
  }
  return { byAsset, truth };
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sd = (xs: number[]) => {
  const m = mean(xs);
  return Math.sqrt(xs.reduce((a, b) => a + (b - m) ** 2, 0) / xs.length);
};
function slope(ts: number[], ys: number[]): number {
  const mt = mean(ts);
  const my = mean(ys);
  let num = 0;
  let den = 0;
  for (let i = 0; i < ts.length; i++) {
    num += ((ts[i] as number) - mt) * ((ys[i] as number) - my);
    den += ((ts[i] as number) - mt) ** 2;
  }
  return num / den;
}

describe('plant simulator faults', () => {
  let faulted: ReturnType<typeof run>;
  let twin: ReturnType<typeof run>;
  const plant = withOverrides(defaultPlant(), { faultsPerAssetPerDay: 10, noDataProblems: true });
  const mix = Object.fromEntries(FAULT_KINDS.map((k) => [k, 1]));
  const withFaults: Plant = { ...plant, faults: { perAssetPerDay: 10, mix } };
  const withoutFaults: Plant = { ...plant, faults: { perAssetPerDay: 0, mix } };
  const range = (assetId: string, channel: string) => {
    const type = withFaults.assetTypes[withFaults.assets.find((a) => a.id === assetId)?.type ?? '']!;
    const spec = type.channels.find((c) => c.name === channel)!;
    return { range: spec.max - spec.min, max: spec.max, noise: spec.model.noise };
  };

  /** (time, faulted value, twin value) of `channel` over the record's span. */
  function span(t: GroundTruth, channel: string) {
    const f = faulted.byAsset.get(t.key)!;
    const w = twin.byAsset.get(t.key)!;
    const rows: { time: number; value: number | undefined; normal: number }[] = [];
    for (const [time, reading] of f) {
      if (time < t.start || time > t.end) continue;
      rows.push({ time, value: reading.channels[channel], normal: w.get(time)!.channels[channel] as number });
    }
    return rows;
  }

  beforeAll(() => {
    faulted = run(withFaults);
    twin = run(withoutFaults);
  });

  it('reports every fault kind in the ground truth, within the run and on known channels', () => {
    const kinds = new Set(faulted.truth.map((t) => t.kind));
    expect([...kinds].sort()).toEqual([...FAULT_KINDS].sort());
    for (const t of faulted.truth) {
      expect(t.start).toBeGreaterThanOrEqual(START);
      expect(t.end).toBeGreaterThanOrEqual(t.start);
      expect(t.end).toBeLessThan(END);
      expect(t.severity).toBeGreaterThan(0);
      expect(t.severity).toBeLessThanOrEqual(1);
      expect(t.source).toBe('plant-simulator');
      expect(t.stream).toBe('sensors');
    }
    expect(twin.truth).toEqual([]);
  });

  it('leaves the data outside fault spans untouched (the twin check is sound)', () => {
    const spans = faulted.truth;
    let compared = 0;
    for (const [asset, series] of faulted.byAsset) {
      for (const [time, reading] of series) {
        if (spans.some((t) => t.key === asset && time >= t.start && time <= t.end)) continue;
        expect(reading.channels).toEqual(twin.byAsset.get(asset)!.get(time)!.channels);
        compared++;
      }
    }
    expect(compared).toBeGreaterThan(10_000);
  });

  it('spike: every marked sample exceeds the channel normal band (max of the surrounding hour)', () => {
    const spikes = faulted.truth.filter((t) => t.kind === 'spike');
    expect(spikes.length).toBeGreaterThan(0);
    for (const t of spikes) {
      const channel = t.channels[0]!;
      const around = [...twin.byAsset.get(t.key)!.values()]
        .filter((r) => Math.abs(r.eventTime - t.start) < 3_600_000)
        .map((r) => r.channels[channel] as number);
      const { range: r, max } = range(t.key, channel);
      const rows = span(t, channel);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) {
        // Far above anything normal nearby, unless the sensor saturates at its physical max.
        if (row.value === max) continue;
        expect(row.value).toBeGreaterThan(Math.max(...around));
        expect((row.value as number) - row.normal).toBeGreaterThan(0.199 * r);
      }
    }
  });

  it('level shift: the span mean moves by at least 5% of the range', () => {
    const shifts = faulted.truth.filter((t) => t.kind === 'level_shift');
    expect(shifts.length).toBeGreaterThan(0);
    for (const t of shifts) {
      const channel = t.channels[0]!;
      const rows = span(t, channel).filter((row) => {
        // Ignore samples clamped at the physical range (a downward shift of a stopped channel at 0).
        const { range: r } = range(t.key, channel);
        return row.value !== undefined && Math.abs(row.value - row.normal) > 0.01 * r;
      });
      expect(rows.length).toBeGreaterThan(0);
      const shift = Math.abs(mean(rows.map((row) => (row.value as number) - row.normal)));
      expect(shift).toBeGreaterThan(0.049 * range(t.key, channel).range);
    }
  });

  it('drift (bearing wear): the vibration channel rises with a positive slope over the span', () => {
    const drifts = faulted.truth.filter((t) => t.kind === 'drift');
    expect(drifts.length).toBeGreaterThan(0);
    for (const t of drifts) {
      const channel = t.channels[0]!;
      expect(channel).toMatch(/vibration/);
      const rows = span(t, channel);
      if (rows.length < 10) continue;
      expect(
        slope(
          rows.map((r) => r.time),
          rows.map((r) => (r.value as number) - r.normal),
        ),
      ).toBeGreaterThan(0);
      expect(
        slope(
          rows.map((r) => r.time),
          rows.map((r) => r.value as number),
        ),
      ).toBeGreaterThan(0);
    }
  });

  it('stuck sensor: zero variance over the span while the real signal varies', () => {
    const stuck = faulted.truth.filter((t) => t.kind === 'stuck');
    expect(stuck.length).toBeGreaterThan(0);
    for (const t of stuck) {
      const rows = span(t, t.channels[0]!);
      expect(rows.length).toBeGreaterThan(2);
      expect(new Set(rows.map((r) => r.value)).size).toBe(1);
      expect(sd(rows.map((r) => r.normal))).toBeGreaterThan(0);
    }
  });

  it('noise burst: the deviation from normal has several times the channel noise', () => {
    const bursts = faulted.truth.filter((t) => t.kind === 'noise_burst');
    expect(bursts.length).toBeGreaterThan(0);
    for (const t of bursts) {
      const channel = t.channels[0]!;
      const rows = span(t, channel);
      if (rows.length < 5) continue;
      const { noise } = range(t.key, channel);
      expect(sd(rows.map((r) => (r.value as number) - r.normal))).toBeGreaterThan(2 * noise);
    }
  });

  it('overheating: the temperature ends the span well above normal', () => {
    const heats = faulted.truth.filter((t) => t.kind === 'overheating');
    expect(heats.length).toBeGreaterThan(0);
    for (const t of heats) {
      const channel = t.channels[0]!;
      expect(channel).toMatch(/temp/);
      const rows = span(t, channel);
      const lastHalf = rows.slice(Math.floor(rows.length / 2));
      expect(mean(lastHalf.map((r) => (r.value as number) - r.normal))).toBeGreaterThan(10);
    }
  });

  it('correlation break: current goes up while flow stays flat', () => {
    const breaks = faulted.truth.filter((t) => t.kind === 'correlation_break');
    expect(breaks.length).toBeGreaterThan(0);
    for (const t of breaks) {
      const [current, flow] = t.channels as [string, string];
      expect(current).toMatch(/current/);
      expect(flow).toMatch(/flow/);
      const cur = span(t, current);
      const fl = span(t, flow);
      const later = cur.slice(Math.ceil(cur.length * 0.2));
      expect(mean(later.map((r) => (r.value as number) - r.normal))).toBeGreaterThan(
        0.1 * mean(later.map((r) => r.normal)),
      );
      const { noise } = range(t.key, flow);
      expect(sd(fl.map((r) => r.value as number))).toBeLessThan(3 * noise);
    }
  });

  it('dead channel: the channel reads 0 or is absent for the whole span', () => {
    const dead = faulted.truth.filter((t) => t.kind === 'dead_channel');
    expect(dead.length).toBeGreaterThan(0);
    for (const t of dead) {
      const values = span(t, t.channels[0]!).map((r) => r.value);
      expect(values.length).toBeGreaterThan(0);
      const allAbsent = values.every((v) => v === undefined);
      const allZero = values.every((v) => v === 0);
      expect(allAbsent || allZero).toBe(true);
    }
  });
});
