/**
 * The processor's inference records (schemas/inference.avsc) in the Confluent wire format: byte for byte what the
 * codec's avsc type writes, with the feature map written from cached key bytes. A record carries ~230 features
 * whose names are the same for every record of a feature set version; avsc validates and encodes each name again,
 * ~25 µs a record (a throwaway script), paid for every inference the processor publishes.
 *
 * An Avro record is its fields' encodings one after the other, so the record is written as the fields before
 * `features` (avsc), the map (here), and the fields after it (avsc). Anything unusual (a value avsc would refuse,
 * keys not of the set version seen before) goes through the codec's own encode, which also words the errors.
 * The pipeline's inferences bring their vector (core/scoring lazyFeatures): it is written without building the map.
 */
import avro from 'avsc';
import type { Inference } from '../../core/events/types.js';
import { WIRE_HEADER_LENGTH, writeWireHeader } from '../../core/events/wire-format.js';
import { type NamedVector, namedVectorOf } from '../../core/scoring/feature-map.js';
import type { AvroCodec } from './avro-codec.js';

const MAP_FIELD = 'features';
/** Room kept after the map for the fields that follow it (topic, partition, offset); more goes the codec's way. */
const TAIL_ROOM = 4096;

/** A set version's feature names as Avro map keys: each one's zig-zag length and UTF-8 bytes. */
interface KeyBytes {
  readonly names: readonly string[];
  readonly encoded: readonly Uint8Array[];
  /** Bytes of the map for these keys: count, keys, 8 per value, the end-of-map zero. */
  readonly mapBytes: number;
}

export class InferenceEncoder {
  readonly #codec: AvroCodec<Inference>;
  readonly #head: avro.Type;
  readonly #tail: avro.Type;
  readonly #keysBySet = new Map<string, KeyBytes>();
  #scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(codec: AvroCodec<Inference>) {
    this.#codec = codec;
    const fields = (codec.readerType as avro.types.RecordType).fields;
    const at = fields.findIndex((f) => f.name === MAP_FIELD);
    if (at < 0) throw new Error(`the ${codec.schemaName} schema has no ${MAP_FIELD} field`);
    const part = (name: string, slice: readonly avro.types.Field[]) =>
      avro.Type.forSchema({
        type: 'record',
        name,
        fields: slice.map((f) => ({ name: f.name, type: f.type as unknown as avro.Schema })),
      });
    this.#head = part('InferenceHead', fields.slice(0, at));
    this.#tail = part('InferenceTail', fields.slice(at + 1));
  }

  encode(inference: Inference): Buffer {
    const id = this.#codec.schemaId;
    // A pipeline vector is written as it is; reading `features` would build the name -> value object it avoids.
    const named = namedVectorOf(inference);
    if (
      id === undefined ||
      (named === undefined && !isMap(inference.features)) ||
      !this.#head.isValid(inference) ||
      !this.#tail.isValid(inference)
    ) {
      return this.#codec.encode(inference);
    }
    const keys = this.#keysOf(inference, named);
    let pos = this.#head.encode(inference, this.#scratch, WIRE_HEADER_LENGTH);
    if (pos < 0 || pos + keys.mapBytes + TAIL_ROOM > this.#scratch.length) {
      this.#scratch = Buffer.allocUnsafe(2 * (this.#scratch.length + keys.mapBytes + TAIL_ROOM));
      pos = this.#head.encode(inference, this.#scratch, WIRE_HEADER_LENGTH);
      if (pos < 0) return this.#codec.encode(inference);
    }
    pos =
      named !== undefined && named.names === keys.names
        ? this.#writeVector(named.vector, keys, pos)
        : this.#writeMap(inference.features, keys, pos);
    const end = pos < 0 ? -1 : this.#tail.encode(inference, this.#scratch, pos);
    if (end < 0) return this.#codec.encode(inference);
    writeWireHeader(this.#scratch, id);
    const out = Buffer.allocUnsafe(end);
    this.#scratch.copy(out, 0, 0, end);
    return out;
  }

  /** The key bytes of the inference's feature set version (from its first inference's keys). */
  #keysOf(inference: Inference, named: NamedVector | undefined): KeyBytes {
    const set = `${inference.featureSet}\u0000${inference.featureSetVersion}`;
    let keys = this.#keysBySet.get(set);
    if (keys === undefined) {
      keys = keyBytes(named?.names ?? Object.keys(inference.features));
      this.#keysBySet.set(set, keys);
    }
    return keys;
  }

  /** Writes the map of a pipeline vector whose names are the cached keys (no name -> value object is read). */
  #writeVector(vector: Float64Array, keys: KeyBytes, at: number): number {
    const buf = this.#scratch;
    const { names, encoded } = keys;
    if (vector.length !== names.length) return -1;
    let pos = names.length > 0 ? writeCount(buf, at, names.length) : at;
    for (let i = 0; i < names.length; i++) {
      const key = encoded[i]!;
      buf.set(key, pos);
      pos = buf.writeDoubleLE(vector[i]!, pos + key.length);
    }
    buf[pos] = 0;
    return pos + 1;
  }

  /**
   * Writes the map at `at` and returns where it ends, or -1 when `features` does not have exactly the cached keys
   * in their order with number values. One for-in pass: V8 reads the values from its enum cache, where a lookup by
   * name searches the object's ~230 property descriptors.
   */
  #writeMap(features: Readonly<Record<string, unknown>>, keys: KeyBytes, at: number): number {
    const buf = this.#scratch;
    const { names, encoded } = keys;
    let pos = names.length > 0 ? writeCount(buf, at, names.length) : at;
    let i = 0;
    for (const name in features) {
      const value = features[name];
      if (name !== names[i] || typeof value !== 'number') return -1;
      const key = encoded[i]!;
      buf.set(key, pos);
      pos = buf.writeDoubleLE(value, pos + key.length);
      i++;
    }
    if (i !== names.length) return -1;
    buf[pos] = 0;
    return pos + 1;
  }
}

function isMap(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function keyBytes(names: readonly string[]): KeyBytes {
  const encoded = names.map((name) => {
    const utf8 = Buffer.from(name, 'utf8');
    const length = Buffer.allocUnsafe(10);
    return Buffer.concat([length.subarray(0, writeCount(length, 0, utf8.length)), utf8]);
  });
  const mapBytes = 10 + 1 + encoded.reduce((sum, key) => sum + key.length + 8, 0);
  return { names, encoded, mapBytes };
}

/** A non-negative count or length as Avro writes a long: zig-zag, then 7 bits a byte, low first. */
function writeCount(buf: Uint8Array, at: number, n: number): number {
  let pos = at;
  let m = n * 2;
  while (m >= 0x80) {
    buf[pos++] = (m % 0x80) | 0x80;
    m = Math.floor(m / 0x80);
  }
  buf[pos++] = m;
  return pos;
}
