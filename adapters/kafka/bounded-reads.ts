/**
 * Makes avsc's array and map decoding safe on garbage. avsc trusts a block's item count: a corrupt count of
 * 10^9 makes it loop 10^9 times (and allocate an array that large) before noticing the bytes ran out, so one
 * bad record could stall a partition. Every item of our arrays and maps takes at least one byte on the wire,
 * so a count larger than the bytes left is corrupt: the read is stopped and the record reported truncated.
 *
 * Only types built by `guardedType` are affected. Depends on avsc internals (`_read`, `_skip`, `Tap`): avsc is
 * pinned, and tests/unit/codec-wire.test.ts fails if the guard stops working.
 */
import avro from 'avsc';

interface Tap {
  buf: Buffer;
  pos: number;
  readLong(): number;
  skipLong(): void;
  readString(): string;
  _invalidate(): void;
}

interface Reader {
  _read(tap: Tap): unknown;
  _skip(tap: Tap): void;
}

function boundedArrayRead(this: { itemsType: Reader }, tap: Tap): unknown[] {
  const items = this.itemsType;
  const out: unknown[] = [];
  let n = tap.readLong();
  while (n !== 0) {
    if (n < 0) {
      n = -n;
      tap.skipLong(); // block size in bytes, unused
    }
    if (n > tap.buf.length - tap.pos) {
      tap._invalidate();
      return out;
    }
    while (n-- > 0) out.push(items._read(tap));
    n = tap.readLong();
  }
  return out;
}

function boundedMapRead(this: { valuesType: Reader }, tap: Tap): Record<string, unknown> {
  const values = this.valuesType;
  const out: Record<string, unknown> = {};
  let n = tap.readLong();
  while (n !== 0) {
    if (n < 0) {
      n = -n;
      tap.skipLong();
    }
    if (n > tap.buf.length - tap.pos) {
      tap._invalidate();
      return out;
    }
    while (n-- > 0) {
      const key = tap.readString();
      const value = values._read(tap);
      // A "__proto__" key would otherwise replace the decoded object's prototype.
      if (key === '__proto__') Object.defineProperty(out, key, { value, enumerable: true, writable: true });
      else out[key] = value;
    }
    n = tap.readLong();
  }
  return out;
}

/**
 * Skips an array or map (a writer field the reader does not have). Blocks with a byte size are jumped over;
 * a negative size would move backwards forever, so it invalidates the read.
 */
function boundedBlocksSkip(tap: Tap, skipItem: (tap: Tap) => void): void {
  let n = tap.readLong();
  while (n !== 0) {
    if (n < 0) {
      const size = tap.readLong();
      if (size < 0) {
        tap._invalidate();
        return;
      }
      tap.pos += size;
    } else {
      if (n > tap.buf.length - tap.pos) {
        tap._invalidate();
        return;
      }
      while (n-- > 0) skipItem(tap);
    }
    if (tap.pos > tap.buf.length) return;
    n = tap.readLong();
  }
}

function boundedArraySkip(this: { itemsType: Reader }, tap: Tap): void {
  const items = this.itemsType;
  boundedBlocksSkip(tap, (t) => items._skip(t));
}

function boundedMapSkip(this: { valuesType: Reader }, tap: Tap): void {
  const values = this.valuesType;
  boundedBlocksSkip(tap, (t) => {
    const length = t.readLong();
    if (length < 0) {
      t._invalidate();
      return;
    }
    t.pos += length;
    values._skip(t);
  });
}

/**
 * Array and map types with the bounded reads. avsc freezes its type instances, so the override lives on a
 * subclass prototype; avsc copies a reader's `_read` into the resolvers it builds, so decoding through a
 * writer -> reader resolver is bounded too.
 */
class BoundedArrayType extends avro.types.ArrayType {}
Object.assign(BoundedArrayType.prototype, { _read: boundedArrayRead, _skip: boundedArraySkip });

class BoundedMapType extends avro.types.MapType {}
Object.assign(BoundedMapType.prototype, { _read: boundedMapRead, _skip: boundedMapSkip });

function boundedTypes(schema: avro.Schema, opts: Partial<avro.ForSchemaOptions>): avro.Type | undefined {
  if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return undefined;
  const node = schema as { type?: unknown; items?: unknown };
  // Items of type null take no bytes: a count cannot be bounded by the bytes left (no Vigil schema has them).
  if (node.type === 'array' && node.items !== 'null') return new BoundedArrayType(schema, opts);
  if (node.type === 'map') return new BoundedMapType(schema, opts);
  return undefined;
}

/** An avsc type for `schema` whose decoding is bounded by the input's length. */
export function guardedType(schema: avro.Schema): avro.Type {
  return avro.Type.forSchema(schema, { typeHook: boundedTypes });
}
