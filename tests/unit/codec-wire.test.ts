/** The Confluent wire header and the codec's handling of bytes that are not a valid record. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AvroCodec, type WriterSchemaSource } from '../../adapters/kafka/avro-codec.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { isVigilError, VigilError } from '../../core/errors.js';
import { deadLetterReasonOf } from '../../core/events/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import {
  MAX_SCHEMA_ID,
  readSchemaId,
  WIRE_HEADER_LENGTH,
  WireProblem,
  writeWireHeader,
} from '../../core/events/wire-format.js';
import { sensorReadingSample } from '../helpers/event-samples.js';

const SCHEMA_ID = 7;

/** A source that must not be asked: every id these tests use is the codec's own. */
const noRegistry: WriterSchemaSource = {
  writerSchema: async (id) => {
    throw new Error(`unexpected registry lookup of id ${id}`);
  },
};

function sensorCodec(): AvroCodec<SensorReading> {
  return new AvroCodec<SensorReading>({
    schemaName: 'sensor-reading',
    readerSchema: readSchemaFile('sensor-reading'),
    source: noRegistry,
    schemaId: SCHEMA_ID,
  });
}

/** Runs decodeCached and returns the error code it threw, or 'ok'. Any other throw fails the test. */
function decodeOutcome(codec: AvroCodec<SensorReading>, bytes: Buffer): string {
  try {
    codec.decodeCached(bytes);
    return 'ok';
  } catch (error) {
    if (!(error instanceof VigilError)) throw error;
    return error.code;
  }
}

/** Avro zig-zag varint of a non-negative or negative integer (safe range). */
function varint(n: number): number[] {
  let z = n >= 0 ? n * 2 : -n * 2 - 1;
  const out: number[] = [];
  while (z >= 0x80) {
    out.push((z % 0x80) | 0x80);
    z = Math.floor(z / 0x80);
  }
  out.push(z);
  return out;
}

function avroString(s: string): number[] {
  const bytes = [...Buffer.from(s)];
  return [...varint(bytes.length), ...bytes];
}

/** A sensor-reading body whose channels map starts with `mapBytes` (the fields before it are valid). */
function bodyWithChannels(mapBytes: number[]): Buffer {
  const body = [
    ...avroString('e'),
    ...avroString('a'),
    ...avroString('pump'),
    ...avroString('s'),
    ...avroString('l'),
    ...varint(1_700_000_000_000),
    ...varint(1),
    ...mapBytes,
  ];
  const out = Buffer.alloc(WIRE_HEADER_LENGTH + body.length);
  writeWireHeader(out, SCHEMA_ID);
  Buffer.from(body).copy(out, WIRE_HEADER_LENGTH);
  return out;
}

describe('readSchemaId', () => {
  it('reads the big-endian id after the magic byte', () => {
    expect(readSchemaId(Buffer.from([0, 0, 0, 1, 2, 99]))).toBe(258);
    expect(readSchemaId(Buffer.from([0, 0x7f, 0xff, 0xff, 0xff]))).toBe(MAX_SCHEMA_ID);
  });

  it('reports short input, a wrong magic byte and out-of-range ids without throwing', () => {
    expect(readSchemaId(null)).toBe(WireProblem.TOO_SHORT);
    expect(readSchemaId(Buffer.alloc(0))).toBe(WireProblem.TOO_SHORT);
    expect(readSchemaId(Buffer.from([0, 0, 0, 1]))).toBe(WireProblem.TOO_SHORT);
    expect(readSchemaId(Buffer.from([1, 0, 0, 0, 1]))).toBe(WireProblem.BAD_MAGIC);
    expect(readSchemaId(Buffer.from('{"json":true}'))).toBe(WireProblem.BAD_MAGIC);
    expect(readSchemaId(Buffer.from([0, 0x80, 0, 0, 0]))).toBe(WireProblem.ID_OUT_OF_RANGE);
    expect(readSchemaId(Buffer.from([0, 0xff, 0xff, 0xff, 0xff]))).toBe(WireProblem.ID_OUT_OF_RANGE);
  });

  it('round-trips every id through writeWireHeader', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: MAX_SCHEMA_ID }), (id) => {
        const bytes = Buffer.alloc(WIRE_HEADER_LENGTH);
        writeWireHeader(bytes, id);
        return readSchemaId(bytes) === id;
      }),
    );
  });

  it('never throws and returns an id or a known problem for any bytes', () => {
    const problems: number[] = Object.values(WireProblem);
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
        const result = readSchemaId(bytes);
        return problems.includes(result) || (result >= 0 && result <= MAX_SCHEMA_ID);
      }),
    );
  });

  it('refuses to write ids a registry cannot issue', () => {
    expect(() => writeWireHeader(Buffer.alloc(5), -1)).toThrow(RangeError);
    expect(() => writeWireHeader(Buffer.alloc(5), MAX_SCHEMA_ID + 1)).toThrow(RangeError);
    expect(() => writeWireHeader(Buffer.alloc(5), 1.5)).toThrow(RangeError);
  });
});

describe('AvroCodec on bad bytes', () => {
  const codec = sensorCodec();
  const good = codec.encode(sensorReadingSample);

  it('decodes its own encoding', () => {
    expect(readSchemaId(good)).toBe(SCHEMA_ID);
    expect({ ...codec.decodeCached(good) }).toEqual(sensorReadingSample);
  });

  it.each([
    ['empty', Buffer.alloc(0)],
    ['shorter than the header', Buffer.from([0, 0, 0])],
    ['bad magic byte', Buffer.concat([Buffer.from([1]), good.subarray(1)])],
    ['JSON text', Buffer.from(JSON.stringify(sensorReadingSample))],
    ['header only', good.subarray(0, WIRE_HEADER_LENGTH)],
    ['truncated body', good.subarray(0, good.length - 3)],
    ['trailing bytes', Buffer.concat([good, Buffer.from([1, 2, 3])])],
  ])('throws VIGIL_EVENTS_UNDECODABLE for %s', (_name, bytes) => {
    let thrown: unknown;
    try {
      codec.decodeCached(bytes);
    } catch (error) {
      thrown = error;
    }
    expect(isVigilError(thrown, 'VIGIL_EVENTS_UNDECODABLE')).toBe(true);
    expect((thrown as VigilError).retriable).toBe(false);
    expect(deadLetterReasonOf(thrown)).toBe('UNDECODABLE');
  });

  it('stops at a huge map count instead of looping over it', () => {
    // A block count of 2^40 entries with a handful of bytes behind it: avsc alone would loop 2^40 times.
    const bytes = bodyWithChannels([...varint(2 ** 40), ...avroString('x'), 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(decodeOutcome(codec, bytes)).toBe('VIGIL_EVENTS_UNDECODABLE');
  });

  it('stops at a huge array count (quality flags) instead of allocating it', () => {
    const map = [...varint(1), ...avroString('x'), 0, 0, 0, 0, 0, 0, 0, 0, 0];
    const bytes = bodyWithChannels([...map, ...varint(500_000_000), ...avroString('SENSOR_FAULT'), 0]);
    expect(decodeOutcome(codec, bytes)).toBe('VIGIL_EVENTS_UNDECODABLE');
  });

  it('refuses a huge string length', () => {
    const bytes = bodyWithChannels([...varint(1), ...varint(2 ** 50), 0x41, 0x42]);
    expect(decodeOutcome(codec, bytes)).toBe('VIGIL_EVENTS_UNDECODABLE');
  });

  it('keeps a "__proto__" channel as data, not as the prototype', () => {
    const value = [...Buffer.alloc(8)];
    const bytes = bodyWithChannels([...varint(1), ...avroString('__proto__'), ...value, 0, 0]);
    const decoded = codec.decodeCached(bytes);
    expect(decoded && Object.getPrototypeOf(decoded.channels)).toBe(Object.prototype);
    expect(decoded && Object.keys(decoded.channels)).toEqual(['__proto__']);
  });

  it('throws nothing but the typed error for random bodies behind a known id', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (body) => {
        const bytes = Buffer.concat([good.subarray(0, WIRE_HEADER_LENGTH), body]);
        return ['ok', 'VIGIL_EVENTS_UNDECODABLE'].includes(decodeOutcome(codec, bytes));
      }),
      { numRuns: 2000 },
    );
  });

  it('throws nothing but the typed error for corrupted copies of a valid record', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }), { minLength: 1, maxLength: 6 }),
        fc.nat({ max: good.length }),
        (flips, cut) => {
          const bytes = Buffer.from(good.subarray(0, Math.max(cut, WIRE_HEADER_LENGTH)));
          for (const { at, byte } of flips) {
            const index = WIRE_HEADER_LENGTH + (at % Math.max(1, bytes.length - WIRE_HEADER_LENGTH));
            if (index < bytes.length) bytes[index] = byte;
          }
          return ['ok', 'VIGIL_EVENTS_UNDECODABLE'].includes(decodeOutcome(codec, bytes));
        },
      ),
      { numRuns: 2000 },
    );
  });
});
