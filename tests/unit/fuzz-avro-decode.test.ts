/**
 * Property-based fuzzing of the decode path a processor runs on every record (wire header -> writer schema ->
 * avsc -> contract check). Whatever the bytes, the outcome is a reading, or a VigilError that maps to a
 * dead-letter reason (UNDECODABLE, UNKNOWN_SCHEMA); a decoded reading then passes the contract or fails it with a
 * reason. Nothing else may be thrown: any other throw would stop the processor (its failure policy), so one bad
 * record would stop a plant's stream. Runs are bounded (numRuns) and seeded by fast-check (printed on failure).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AvroCodec, type WriterSchemaSource } from '../../adapters/kafka/avro-codec.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { isVigilError } from '../../core/errors.js';
import { deadLetterReasonOf, eventsError } from '../../core/events/errors.js';
import type { DeadLetterReason, SensorReading } from '../../core/events/types.js';
import { validateReading } from '../../core/events/validate.js';
import { writeWireHeader } from '../../core/events/wire-format.js';
import { channelSpecs } from '../../core/plant/catalogue.js';

const SENSOR_ID = 7;
const ORDER_ID = 9;
/** The largest long avsc encodes (its zig-zag must stay a safe integer); bigger ones on the wire are UNDECODABLE. */
const LONG_MAX = 2 ** 52 - 1;
const RECEIVED_AT = Date.UTC(2026, 5, 1);
const CONTRACT = { maxFutureSkewMs: 300_000 };

/** An in-memory registry: 7 is the sensor-reading schema, 9 another event type, every other id unknown. */
const registry: WriterSchemaSource = {
  writerSchema: async (id) => {
    if (id === SENSOR_ID) return readSchemaFile('sensor-reading');
    if (id === ORDER_ID) return readSchemaFile('order');
    throw eventsError('VIGIL_EVENTS_UNKNOWN_SCHEMA', { schemaId: id });
  },
};

function sensorCodec(): AvroCodec<SensorReading> {
  return new AvroCodec<SensorReading>({
    schemaName: 'sensor-reading',
    readerSchema: readSchemaFile('sensor-reading'),
    source: registry,
    schemaId: SENSOR_ID,
    validateOnEncode: false,
  });
}

type Outcome = { kind: 'reading'; result: 'OK' | DeadLetterReason } | { kind: 'dead'; reason: DeadLetterReason };

/** What a processor does with `bytes`; throws (failing the property) only on an error it would not dead-letter. */
async function processorOutcome(codec: AvroCodec<SensorReading>, bytes: Buffer): Promise<Outcome> {
  let reading: SensorReading;
  try {
    reading = await codec.decode(bytes);
  } catch (error) {
    const reason = deadLetterReasonOf(error);
    if (reason === undefined) throw error;
    return { kind: 'dead', reason };
  }
  const check = validateReading(reading, RECEIVED_AT, (t) => channelSpecs(t), CONTRACT);
  return { kind: 'reading', result: check.ok ? 'OK' : check.reason };
}

const framed = (id: number, body: Uint8Array) => {
  const out = Buffer.alloc(5 + body.length);
  writeWireHeader(out, id);
  out.set(body, 5);
  return out;
};

const channelName = fc.constantFrom('speed', 'flow', 'bearing_temp', 'vibration_rms', 'motor_current', 'x', '');
const extremeNumber = fc.oneof(
  fc.double(),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, -0, Number.MAX_VALUE, -Number.MAX_VALUE, Number.MIN_VALUE),
);
const absurdTime = fc.oneof(
  fc.integer({ min: -8.64e15, max: 8.64e15 }),
  fc.constantFrom(0, -1, LONG_MAX, -LONG_MAX, Date.UTC(1970, 0, 1), RECEIVED_AT * 1000),
);
const reading: fc.Arbitrary<SensorReading> = fc.record({
  eventId: fc.string({ maxLength: 40 }),
  assetId: fc.string({ maxLength: 20 }),
  assetType: fc.constantFrom('pump', 'compressor', 'motor', 'unknown-type', ''),
  site: fc.string({ maxLength: 10 }),
  line: fc.string({ maxLength: 10 }),
  eventTime: fc.oneof(fc.integer({ min: RECEIVED_AT - 86_400_000, max: RECEIVED_AT }), absurdTime),
  seq: fc.oneof(fc.integer(), fc.constantFrom(LONG_MAX, -LONG_MAX)),
  channels: fc.dictionary(channelName, extremeNumber, { maxKeys: 8 }),
  quality: fc.array(fc.string({ maxLength: 12 }), { maxLength: 3 }),
});

function zigzagOf(n: number): number[] {
  const out: number[] = [];
  for (let z = n >= 0 ? n * 2 : -n * 2 - 1; ; z = Math.floor(z / 128)) {
    if (z < 128) {
      out.push(z);
      return out;
    }
    out.push((z % 128) | 128);
  }
}

const RUNS = { numRuns: 300 };

describe('fuzz: Avro decode path', () => {
  it('random bytes, framed or not, are a reading or a dead letter, never another throw', async () => {
    const codec = sensorCodec();
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 200 }),
      fc.uint8Array({ maxLength: 200 }).map((b) => framed(SENSOR_ID, b)),
      fc
        .tuple(fc.constantFrom(SENSOR_ID, ORDER_ID, 0, 1, 0x7fffffff), fc.uint8Array({ maxLength: 64 }))
        .map(([id, b]) => framed(id, b)),
    );
    await fc.assert(
      fc.asyncProperty(bytes, async (b) => {
        const outcome = await processorOutcome(codec, Buffer.from(b));
        expect(['reading', 'dead']).toContain(outcome.kind);
      }),
      RUNS,
    );
  });

  it('a truncated record is always UNDECODABLE; trailing garbage too', async () => {
    const codec = sensorCodec();
    await fc.assert(
      fc.asyncProperty(reading, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), async (r, cut, extra) => {
        const whole = codec.encode(r);
        const truncated = whole.subarray(0, 5 + (cut % (whole.length - 5)));
        expect(await processorOutcome(codec, Buffer.from(truncated))).toEqual({ kind: 'dead', reason: 'UNDECODABLE' });
        const padded = Buffer.concat([whole, extra]);
        expect(await processorOutcome(codec, padded)).toEqual({ kind: 'dead', reason: 'UNDECODABLE' });
      }),
      RUNS,
    );
  });

  it('wrong schema ids: unknown ids are UNKNOWN_SCHEMA, another event type is UNDECODABLE', async () => {
    const codec = sensorCodec();
    await fc.assert(
      fc.asyncProperty(reading, fc.integer({ min: 10, max: 0x7fffffff }), async (r, id) => {
        const bytes = Buffer.from(codec.encode(r));
        bytes.writeUInt32BE(id, 1);
        expect(await processorOutcome(codec, bytes)).toEqual({ kind: 'dead', reason: 'UNKNOWN_SCHEMA' });
        bytes.writeUInt32BE(ORDER_ID, 1);
        expect(await processorOutcome(codec, bytes)).toEqual({ kind: 'dead', reason: 'UNDECODABLE' });
      }),
      { numRuns: 100 },
    );
  });

  it('single-byte corruption anywhere in a valid record never escapes the typed errors', async () => {
    const codec = sensorCodec();
    await fc.assert(
      fc.asyncProperty(reading, fc.nat(), fc.integer({ min: 0, max: 255 }), async (r, at, value) => {
        const bytes = Buffer.from(codec.encode(r));
        bytes[5 + (at % (bytes.length - 5))] = value;
        const outcome = await processorOutcome(codec, bytes);
        expect(['reading', 'dead']).toContain(outcome.kind);
      }),
      RUNS,
    );
  });

  it('extreme numbers and absurd timestamps decode, then fail the contract with the right reason', async () => {
    const codec = sensorCodec();
    await fc.assert(
      fc.asyncProperty(reading, async (r) => {
        const outcome = await processorOutcome(codec, Buffer.from(codec.encode(r)));
        expect(outcome.kind).toBe('reading');
        if (outcome.kind !== 'reading') return;
        const absurd = r.eventTime < Date.UTC(2000, 0, 1) || r.eventTime > RECEIVED_AT + CONTRACT.maxFutureSkewMs;
        const nonFinite = Object.values(r.channels).some((v) => !Number.isFinite(v));
        if (absurd) expect(outcome.result).toBe('ABSURD_TIMESTAMP');
        else if (nonFinite) expect(outcome.result).toBe('NAN_VALUE');
        else expect(['OK', 'CONTRACT_VIOLATION', 'MISSING_CHANNEL', 'OUT_OF_RANGE']).toContain(outcome.result);
      }),
      RUNS,
    );
  });

  it('invalid UTF-8 in string fields and map keys is a reading or a dead letter', async () => {
    const codec = sensorCodec();
    const invalidUtf8 = fc.constantFrom([0xff, 0xfe, 0xfd, 0xfc], [0xc3, 0x28, 0xa0, 0xa1], [0xed, 0xa0, 0x80, 0x41]);
    await fc.assert(
      fc.asyncProperty(reading, invalidUtf8, fc.constantFrom('assetId', 'site', 'key'), async (r, bad, where) => {
        const marker = 'QQQQ';
        const marked = where === 'key' ? { ...r, channels: { ...r.channels, [marker]: 1 } } : { ...r, [where]: marker };
        const bytes = Buffer.from(codec.encode(marked));
        const at = bytes.indexOf(marker);
        expect(at).toBeGreaterThan(4);
        Buffer.from(bad).copy(bytes, at);
        const outcome = await processorOutcome(codec, bytes);
        expect(['reading', 'dead']).toContain(outcome.kind);
      }),
      { numRuns: 100 },
    );
  });

  it('huge maps: a corrupt item count is UNDECODABLE without allocating it; a real 20 000-channel map decodes', async () => {
    const codec = sensorCodec();
    const base = {
      ...(await codec.decode(Buffer.from(codec.encode(fc.sample(reading, 1)[0]!)))),
      channels: {},
      quality: [],
    };
    const empty = Buffer.from(codec.encode(base));
    // channels is the map before the quality array: an empty map is the single byte 0, then quality (0 = empty).
    const mapAt = empty.length - 2;
    expect([empty[mapAt], empty[mapAt + 1]]).toEqual([0, 0]);
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1_000, max: 2 ** 40 }), async (count) => {
        const bytes = Buffer.concat([empty.subarray(0, mapAt), Buffer.from(zigzagOf(count)), Buffer.from([0, 0])]);
        expect(await processorOutcome(codec, bytes)).toEqual({ kind: 'dead', reason: 'UNDECODABLE' });
      }),
      { numRuns: 50 },
    );
    const channels = Object.fromEntries(Array.from({ length: 20_000 }, (_, i) => [`c${i}`, i]));
    const big = await codec.decode(Buffer.from(codec.encode({ ...base, channels })));
    expect(Object.keys(big.channels)).toHaveLength(20_000);
  });

  it('a long beyond 2^53 on the wire (a Java producer may write one) is UNDECODABLE, not a precision loss', async () => {
    const codec = sensorCodec();
    const r = { ...fc.sample(reading, 1)[0]!, eventTime: RECEIVED_AT };
    const bytes = Buffer.from(codec.encode(r));
    const timeAt = bytes.indexOf(Buffer.from(zigzagOf(RECEIVED_AT)));
    expect(timeAt).toBeGreaterThan(4);
    const huge = Buffer.from([0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]); // zig-zag of 2^63 - 1
    const tampered = Buffer.concat([
      bytes.subarray(0, timeAt),
      huge,
      bytes.subarray(timeAt + zigzagOf(RECEIVED_AT).length),
    ]);
    expect(await processorOutcome(codec, tampered)).toEqual({ kind: 'dead', reason: 'UNDECODABLE' });
  });

  it('the outcome is a VigilError code, never a plain Error, even through the async path', async () => {
    const codec = sensorCodec();
    const error = await codec.decode(Buffer.from([0, 0, 0, 0, SENSOR_ID, 0xff])).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_EVENTS_UNDECODABLE')).toBe(true);
  });
});
