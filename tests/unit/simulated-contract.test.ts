/**
 * Simulated history (`vigil train --simulate`, `vigil evaluate --simulate`) passes the sensors processor's contract
 * checks before the feature engine, as the stream and replay do: readings the stream dead-letters (a NaN value, a
 * missing required channel, a value out of range) never reach the windows.
 */
import { describe, expect, it } from 'vitest';
import { contractChecked } from '../../cli/commands/train-history.js';
import type { DeadLetterReason, SensorReading } from '../../core/events/types.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';

const T0 = Date.UTC(2026, 0, 5);

function pump(i: number, channels: Record<string, number>): SensorReading {
  return {
    eventId: `P-1-${i}`,
    assetId: 'P-1',
    assetType: 'pump',
    site: 'north',
    line: 'water',
    eventTime: T0 + i * 1000,
    seq: i,
    channels,
    quality: [],
  };
}

const ok = {
  speed: 2950,
  motor_current: 55,
  discharge_pressure: 6,
  flow: 140,
  bearing_temp: 60,
  vibration_rms: 2,
};

describe('contractChecked', () => {
  it('passes what the stream accepts and counts what it would dead-letter, by reason', () => {
    const rejected = new Map<DeadLetterReason, number>();
    const { flow: _, ...withoutFlow } = ok;
    const readings = [
      pump(0, ok),
      pump(1, { ...ok, flow: Number.NaN }),
      pump(2, withoutFlow),
      pump(3, { ...ok, speed: 1e6 }),
      pump(4, { ...ok, suction_pressure: 1 }),
    ];
    const passed = [...contractChecked(readings, defaultPlant(), rejected)];
    expect(passed.map((r) => r.seq)).toEqual([0, 4]);
    expect(Object.fromEntries(rejected)).toEqual({ NAN_VALUE: 1, MISSING_CHANNEL: 1, OUT_OF_RANGE: 1 });
  });

  it('leaves no NaN of the plant simulator in what it passes', () => {
    const base = defaultPlant();
    const plant = { ...base, dataProblems: { ...base.dataProblems, nanRate: 0.05 } };
    const sim = new PlantSimulator(plant, { seed: 3, start: T0, end: T0 + 60_000, assets: 2 });
    const all: SensorReading[] = [];
    for (let r = sim.next(); r !== null; r = sim.next()) all.push(r);
    const rejected = new Map<DeadLetterReason, number>();
    const passed = [...contractChecked(all, plant, rejected)];
    expect(rejected.get('NAN_VALUE')).toBeGreaterThan(0);
    expect(passed.length + (rejected.get('NAN_VALUE') ?? 0)).toBe(all.length);
    expect(passed.every((r) => Object.values(r.channels).every(Number.isFinite))).toBe(true);
  });
});
