/** Contract validation of decoded sensor readings: each reason, and properties over generated readings. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SensorReading } from '../../core/events/types.js';
import {
  type ChannelSpec,
  CONTRACT_OK,
  catalogueOf,
  DEFAULT_MIN_EVENT_TIME,
  validateReading,
} from '../../core/events/validate.js';
import { sensorReadingSample } from '../helpers/event-samples.js';

const PUMP: ChannelSpec[] = [
  { name: 'vibration_rms', unit: 'mm/s', min: 0, max: 50, required: true },
  { name: 'bearing_temp_c', unit: 'degC', min: -40, max: 200, required: true },
  { name: 'flow_m3h', unit: 'm3/h', min: 0, max: 500, required: false },
];
const catalogue = catalogueOf({ pump: PUMP });
const options = { maxFutureSkewMs: 5 * 60_000 };
const received = sensorReadingSample.eventTime + 2_000;

function check(changes: Partial<SensorReading>, receivedAt = received) {
  return validateReading({ ...sensorReadingSample, ...changes }, receivedAt, catalogue, options);
}

describe('validateReading', () => {
  it('accepts a good reading with the shared OK result (no allocation)', () => {
    expect(check({})).toBe(CONTRACT_OK);
    expect(check({ channels: { vibration_rms: 1, bearing_temp_c: 20 } })).toBe(CONTRACT_OK);
    expect(check({ channels: { vibration_rms: 1, bearing_temp_c: 20, extra_sensor: 3 } })).toBe(CONTRACT_OK);
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
  ])('refuses %s as NAN_VALUE, also in channels the catalogue does not list', (_name, bad) => {
    expect(check({ channels: { ...sensorReadingSample.channels, vibration_rms: bad } })).toMatchObject({
      ok: false,
      reason: 'NAN_VALUE',
      channel: 'vibration_rms',
    });
    expect(check({ channels: { ...sensorReadingSample.channels, extra: bad } })).toMatchObject({
      reason: 'NAN_VALUE',
      channel: 'extra',
    });
  });

  it('refuses a missing required channel and accepts a missing optional one', () => {
    expect(check({ channels: { bearing_temp_c: 20 } })).toMatchObject({
      reason: 'MISSING_CHANNEL',
      channel: 'vibration_rms',
    });
    expect(check({ channels: { vibration_rms: 1, bearing_temp_c: 20 } }).ok).toBe(true);
  });

  it('refuses values outside the physical range, with the unit and range in the message', () => {
    const result = check({ channels: { vibration_rms: 51, bearing_temp_c: 20 } });
    expect(result).toMatchObject({ reason: 'OUT_OF_RANGE', channel: 'vibration_rms' });
    expect(!result.ok && result.message).toContain('mm/s');
    expect(check({ channels: { vibration_rms: 1, bearing_temp_c: -41 } })).toMatchObject({ reason: 'OUT_OF_RANGE' });
    expect(check({ channels: { vibration_rms: 50, bearing_temp_c: -40 } }).ok).toBe(true);
  });

  it('refuses absurd timestamps: before 2000, not finite, or beyond the allowed skew after receipt', () => {
    expect(check({ eventTime: DEFAULT_MIN_EVENT_TIME - 1 })).toMatchObject({ reason: 'ABSURD_TIMESTAMP' });
    expect(check({ eventTime: 0 })).toMatchObject({ reason: 'ABSURD_TIMESTAMP' });
    expect(check({ eventTime: Number.NaN })).toMatchObject({ reason: 'ABSURD_TIMESTAMP' });
    const t = sensorReadingSample.eventTime;
    expect(check({}, t - options.maxFutureSkewMs).ok).toBe(true);
    expect(check({}, t - options.maxFutureSkewMs - 1)).toMatchObject({ reason: 'ABSURD_TIMESTAMP' });
    expect(check({ eventTime: DEFAULT_MIN_EVENT_TIME })).toBe(CONTRACT_OK);
  });

  it('refuses an asset type without a catalogue as CONTRACT_VIOLATION', () => {
    expect(check({ assetType: 'teleporter' })).toMatchObject({ reason: 'CONTRACT_VIOLATION' });
  });

  it('is not fooled by a channel named like an Object.prototype member', () => {
    const withProtoNames = catalogueOf({
      pump: [{ name: 'constructor', unit: 'x', min: 0, max: 1, required: true }],
    });
    const result = validateReading({ ...sensorReadingSample, channels: {} }, received, withProtoNames, options);
    expect(result).toMatchObject({ reason: 'MISSING_CHANNEL', channel: 'constructor' });
  });
});

describe('validateReading properties', () => {
  const inRange = fc.record({
    vibration_rms: fc.double({ min: 0, max: 50, noNaN: true }),
    bearing_temp_c: fc.double({ min: -40, max: 200, noNaN: true }),
    flow_m3h: fc.option(fc.double({ min: 0, max: 500, noNaN: true }), { nil: undefined }),
  });
  const eventTime = fc.integer({ min: DEFAULT_MIN_EVENT_TIME, max: Date.UTC(2100, 0, 1) });

  function reading(channels: Record<string, number | undefined>, time: number): SensorReading {
    const clean = Object.fromEntries(Object.entries(channels).filter(([, v]) => v !== undefined)) as Record<
      string,
      number
    >;
    return { ...sensorReadingSample, eventTime: time, channels: clean };
  }

  it('accepts every reading whose channels are in range and whose time is sane', () => {
    fc.assert(
      fc.property(inRange, eventTime, (channels, time) => {
        return validateReading(reading(channels, time), time, catalogue, options) === CONTRACT_OK;
      }),
    );
  });

  it('flags any non-finite value as NAN_VALUE, whichever channel holds it', () => {
    fc.assert(
      fc.property(
        inRange,
        eventTime,
        fc.constantFrom('vibration_rms', 'bearing_temp_c', 'flow_m3h', 'unlisted'),
        fc.constantFrom(Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY),
        (channels, time, channel, bad) => {
          const result = validateReading(reading({ ...channels, [channel]: bad }, time), time, catalogue, options);
          return !result.ok && result.reason === 'NAN_VALUE' && result.channel === channel;
        },
      ),
    );
  });

  it('flags any finite value outside a catalogued range as OUT_OF_RANGE', () => {
    fc.assert(
      fc.property(
        inRange,
        eventTime,
        fc.constantFrom(...PUMP),
        fc.double({ min: 1e-6, max: 1e12, noNaN: true }),
        fc.boolean(),
        (channels, time, spec, excess, above) => {
          const value = above ? spec.max + excess : spec.min - excess;
          if (value <= spec.max && value >= spec.min) return true; // rounding swallowed the excess
          const result = validateReading(reading({ ...channels, [spec.name]: value }, time), time, catalogue, options);
          return !result.ok && result.reason === 'OUT_OF_RANGE' && result.channel === spec.name;
        },
      ),
    );
  });

  it('never throws, whatever the reading holds', () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.string(), fc.oneof(fc.double(), fc.constant(undefined as unknown as number))),
        fc.oneof(fc.double(), fc.integer()),
        fc.string(),
        (channels, time, assetType) => {
          const result = validateReading(
            { ...sensorReadingSample, assetType, eventTime: time, channels },
            Date.now(),
            catalogue,
            options,
          );
          return typeof result.ok === 'boolean';
        },
      ),
    );
  });
});
