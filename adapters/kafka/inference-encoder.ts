/**
 * The processor's inference records (schemas/inference.avsc) in the Confluent wire format: byte for byte what the
 * codec's avsc type writes, with the feature map written from cached key bytes. A record carries ~230 features
 * whose names are the same for every vector of a feature set; avsc validates and encodes each name again, ~25 µs a
 * record (a throwaway script), paid for every inference the processor publishes.
 *
 * An Avro record is its fields' encodings one after the other, so the record is written as the fields before
 * `features` (avsc), the map (here, from the pipeline's vector and its names: core/scoring lazyFeatures, without
 * building the name -> value object), and the fields after it (avsc). Anything else (an inference with a plain
 * map, a value avsc would refuse) goes through the codec's own encode, which also words the errors. An inference
 * that is not to carry its map (`features: 'anomalous'`) is written with an empty one, without naming its vector.
 */
import avro from 'avsc';
import type { Inference } from '../../core/events/types.js';
import { WIRE_HEADER_LENGTH, writeWireHeader } from '../../core/events/wire-format.js';
import { namedVectorOf } from '../../core/scoring/feature-map.js';
import type { AvroCodec } from './avro-codec.js';

const MAP_FIELD = 'features';
/** Room kept after the map for the fields that follow it (topic, partition, offset); more goes the codec's way. */
const TAIL_ROOM = 4096;
/** Avro's own encodings of a map's count and of its keys (avsc), so the map is written as avsc writes one. */
const LONG = avro.Type.forSchema('long');
const STRING = avro.Type.forSchema('string');

/** A feature set's names as Avro map keys (each as avsc writes a string: its length, then UTF-8). */
interface KeyBytes {
  readonly encoded: readonly Uint8Array[];
  /** Bytes of the map for these keys, at most: count (up to 10), keys, 8 per value, the end-of-map zero. */
  readonly mapBytes: number;
}

export interface InferenceEncoderOptions {
  /**
   * Which inferences carry their feature map; the others are written with an empty map (default 'all'). A pump's
   * record is ~7.4 KB with its map, ~260 B without: the processor publishes the anomalous ones' only.
   */
  readonly features?: 'all' | 'anomalous';
}

export class InferenceEncoder {
  readonly #codec: AvroCodec<Inference>;
  readonly #features: 'all' | 'anomalous';
  readonly #fields: readonly string[];
  readonly #head: avro.Type;
  readonly #tail: avro.Type;
  /** By names array: the pipeline passes each feature set's own (frozen) array. */
  readonly #keys = new WeakMap<readonly string[], KeyBytes>();
  #scratch = Buffer.allocUnsafe(64 * 1024);

  constructor(codec: AvroCodec<Inference>, options: InferenceEncoderOptions = {}) {
    this.#codec = codec;
    this.#features = options.features ?? 'all';
    const fields = (codec.readerType as avro.types.RecordType).fields;
    this.#fields = fields.map((f) => f.name);
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
    const withMap = this.#features === 'all' || inference.anomaly;
    const named = withMap ? namedVectorOf(inference) : undefined;
    if (
      id === undefined ||
      (withMap && (named === undefined || named.vector.length !== named.names.length)) ||
      !this.#head.isValid(inference) ||
      !this.#tail.isValid(inference)
    ) {
      return this.#byCodec(inference, withMap);
    }
    let keys: KeyBytes | undefined;
    if (named !== undefined) {
      keys = this.#keys.get(named.names);
      if (keys === undefined) {
        keys = keyBytes(named.names);
        this.#keys.set(named.names, keys);
      }
    }
    const mapBytes = keys?.mapBytes ?? 1;
    let pos = this.#head.encode(inference, this.#scratch, WIRE_HEADER_LENGTH);
    if (pos < 0 || pos + mapBytes + TAIL_ROOM > this.#scratch.length) {
      this.#scratch = Buffer.allocUnsafe(2 * (this.#scratch.length + mapBytes + TAIL_ROOM));
      pos = this.#head.encode(inference, this.#scratch, WIRE_HEADER_LENGTH);
      if (pos < 0) return this.#byCodec(inference, withMap);
    }
    const afterMap =
      named !== undefined && keys !== undefined
        ? this.#writeMap(named.vector, keys.encoded, pos)
        : emptyMap(this.#scratch, pos);
    const end = this.#tail.encode(inference, this.#scratch, afterMap);
    if (end < 0) return this.#byCodec(inference, withMap);
    writeWireHeader(this.#scratch, id);
    const out = Buffer.allocUnsafe(end);
    this.#scratch.copy(out, 0, 0, end);
    return out;
  }

  /**
   * The codec's own encoding (and error wording). Without the map, the fields are copied one by one: a spread
   * would name a lazy map.
   */
  #byCodec(inference: Inference, withMap: boolean): Buffer {
    if (withMap) return this.#codec.encode(inference);
    const copy: Record<string, unknown> = {};
    for (const name of this.#fields) copy[name] = name === MAP_FIELD ? {} : inference[name as keyof Inference];
    return this.#codec.encode(copy as unknown as Inference);
  }

  /** Writes the map of `vector` under the encoded keys at `at`, as avsc writes a map; returns where it ends. */
  #writeMap(vector: Float64Array, keys: readonly Uint8Array[], at: number): number {
    const buf = this.#scratch;
    let pos = keys.length > 0 ? LONG.encode(keys.length, buf, at) : at;
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i]!;
      buf.set(key, pos);
      pos = buf.writeDoubleLE(vector[i]!, pos + key.length);
    }
    buf[pos] = 0;
    return pos + 1;
  }
}

/** Writes an empty map (avsc: the end-of-map zero alone) at `at`; returns where it ends. */
function emptyMap(buf: Buffer, at: number): number {
  buf[at] = 0;
  return at + 1;
}

function keyBytes(names: readonly string[]): KeyBytes {
  const encoded = names.map((name) => STRING.toBuffer(name));
  const mapBytes = 10 + 1 + encoded.reduce((sum, key) => sum + key.length + 8, 0);
  return { encoded, mapBytes };
}
