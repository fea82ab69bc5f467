/**
 * The codec's writer-schema handling with an in-memory schema source (the narrow interface the registry adapter
 * implements): resolution of evolved writers, unknown ids remembered for a while, outages never remembered,
 * one fetch per id, and typed encode failures.
 */
import type avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { AvroCodec, type WriterSchemaSource } from '../../adapters/kafka/avro-codec.js';
import { registryError } from '../../adapters/registry/errors.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { isVigilError } from '../../core/errors.js';
import { eventsError } from '../../core/events/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { writeWireHeader } from '../../core/events/wire-format.js';
import { sensorReadingSample } from '../helpers/event-samples.js';

interface Field {
  name: string;
  type: unknown;
  default?: unknown;
}
const base = readSchemaFile('sensor-reading') as unknown as { fields: Field[] } & Record<string, unknown>;
const schemaWith = (fields: Field[]) => ({ ...base, fields }) as unknown as avro.Schema;

const V1 = 1;
const V2_EXTRA_FIELD = 2;
const V0_NO_QUALITY = 3;
const INCOMPATIBLE = 4;
const MISSING = 404;

const schemas = new Map<number, avro.Schema>([
  [V1, readSchemaFile('sensor-reading')],
  [V2_EXTRA_FIELD, schemaWith([...base.fields, { name: 'firmware', type: 'string', default: 'unknown' }])],
  [V0_NO_QUALITY, schemaWith(base.fields.filter((f) => f.name !== 'quality'))],
  [INCOMPATIBLE, schemaWith(base.fields.map((f) => (f.name === 'seq' ? { ...f, type: 'string' } : f)))],
]);

class MemorySource implements WriterSchemaSource {
  calls: number[] = [];
  down = false;
  async writerSchema(id: number): Promise<avro.Schema> {
    this.calls.push(id);
    if (this.down) throw registryError('VIGIL_REGISTRY_UNAVAILABLE', { url: 'memory', detail: 'down' });
    const schema = schemas.get(id);
    if (!schema) throw eventsError('VIGIL_EVENTS_UNKNOWN_SCHEMA', { schemaId: id });
    return schema;
  }
}

function setup(now = () => 0) {
  const source = new MemorySource();
  const codec = new AvroCodec<SensorReading>({
    schemaName: 'sensor-reading',
    readerSchema: readSchemaFile('sensor-reading'),
    source,
    schemaId: V1,
    unknownIdRecheckMs: 1000,
    now,
  });
  return { source, codec };
}

/** Encodes `value` with the schema of `id`, as another producer would. */
function writtenWith(id: number, value: object): Buffer {
  const writer = new AvroCodec<object>({
    schemaName: `writer ${id}`,
    readerSchema: schemas.get(id) as avro.Schema,
    source: new MemorySource(),
    schemaId: id,
  });
  return writer.encode(value);
}

function headerOnly(id: number): Buffer {
  const bytes = Buffer.alloc(8, 0);
  writeWireHeader(bytes, id);
  return bytes;
}

describe('AvroCodec writer resolution', () => {
  it('decodes its own schema id without asking the source', () => {
    const { source, codec } = setup();
    expect({ ...codec.decodeCached(codec.encode(sensorReadingSample)) }).toEqual(sensorReadingSample);
    expect(source.calls).toEqual([]);
  });

  it('reads records from a newer writer (extra field) and an older one (missing field with default)', async () => {
    const { codec } = setup();
    const newer = writtenWith(V2_EXTRA_FIELD, { ...sensorReadingSample, firmware: '4.2' });
    const { quality: _quality, ...withoutQuality } = sensorReadingSample;
    const older = writtenWith(V0_NO_QUALITY, withoutQuality);
    expect(codec.decodeCached(newer)).toBeUndefined();
    expect({ ...(await codec.decode(newer)) }).toEqual(sensorReadingSample);
    expect({ ...(await codec.decode(older)) }).toEqual({ ...sensorReadingSample, quality: [] });
  });

  it('fetches each unknown id once, even for concurrent callers', async () => {
    const { source, codec } = setup();
    const newer = writtenWith(V2_EXTRA_FIELD, { ...sensorReadingSample, firmware: '4.2' });
    await Promise.all([codec.decode(newer), codec.decode(newer), codec.prepare([V2_EXTRA_FIELD])]);
    expect(source.calls).toEqual([V2_EXTRA_FIELD]);
    expect(codec.prepareBatch([newer, codec.encode(sensorReadingSample), null])).toBeUndefined();
  });

  it('turns an unreadable writer schema into VIGIL_EVENTS_UNDECODABLE', async () => {
    const { codec } = setup();
    const bytes = writtenWith(INCOMPATIBLE, { ...sensorReadingSample, seq: 'x' });
    const error = await codec.decode(bytes).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_EVENTS_UNDECODABLE')).toBe(true);
    expect(() => codec.decodeCached(bytes)).toThrow(/writer schema 4/);
  });

  it('remembers an unknown id for the recheck period, then asks again', async () => {
    let now = 0;
    const { source, codec } = setup(() => now);
    const bytes = headerOnly(MISSING);
    await codec.prepare([MISSING]);
    expect(() => codec.decodeCached(bytes)).toThrow(expect.objectContaining({ code: 'VIGIL_EVENTS_UNKNOWN_SCHEMA' }));
    now = 999;
    expect(codec.prepareBatch([bytes])).toBeUndefined();
    now = 1000;
    expect(codec.decodeCached(bytes)).toBeUndefined();
    await codec.prepareBatch([bytes]);
    expect(source.calls).toEqual([MISSING, MISSING]);
  });

  it('never remembers an outage: the error is retriable and the id stays undecided', async () => {
    const { source, codec } = setup();
    source.down = true;
    const bytes = writtenWith(V2_EXTRA_FIELD, { ...sensorReadingSample, firmware: '4.2' });
    const error = await codec.decode(bytes).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_REGISTRY_UNAVAILABLE') && error.retriable).toBe(true);
    expect(codec.decodeCached(bytes)).toBeUndefined();
    source.down = false;
    expect((await codec.decode(bytes)).eventId).toBe(sensorReadingSample.eventId);
  });
});

describe('AvroCodec encoding', () => {
  it('refuses to encode before it knows its schema id', () => {
    const codec = new AvroCodec<SensorReading>({
      schemaName: 'sensor-reading',
      readerSchema: readSchemaFile('sensor-reading'),
      source: new MemorySource(),
    });
    expect(() => codec.encode(sensorReadingSample)).toThrow(
      expect.objectContaining({ code: 'VIGIL_EVENTS_CODEC_NOT_READY' }),
    );
  });

  it('refuses a value that does not match the schema, naming the fields', () => {
    const { codec } = setup();
    const bad = { ...sensorReadingSample, seq: 'seven', channels: { a: 'x' } } as unknown as SensorReading;
    expect(() => codec.encode(bad)).toThrow(expect.objectContaining({ code: 'VIGIL_EVENTS_INVALID_EVENT' }));
    expect(() => codec.encode(bad)).toThrow(/seq.*channels\.a|channels\.a.*seq/);
  });

  it('encodes NaN channel values (contract validation, not the codec, refuses them)', () => {
    const { codec } = setup();
    const reading = { ...sensorReadingSample, channels: { a: Number.NaN } };
    expect(codec.decodeCached(codec.encode(reading))?.channels.a).toBeNaN();
  });

  it('grows its scratch buffer for large records and returns independent buffers', () => {
    const { codec } = setup();
    const channels = Object.fromEntries(Array.from({ length: 3000 }, (_, i) => [`channel_${i}`, i]));
    const big = codec.encode({ ...sensorReadingSample, channels });
    const small = codec.encode(sensorReadingSample);
    expect(big.length).toBeGreaterThan(16 * 1024);
    expect(Object.keys(codec.decodeCached(big)?.channels ?? {})).toHaveLength(3000);
    expect({ ...codec.decodeCached(small) }).toEqual(sensorReadingSample);
  });
});
