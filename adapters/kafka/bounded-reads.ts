/**
 * Makes avsc's array and map decoding safe on garbage. avsc trusts a block's item count: a corrupt count of
 * 10^9 makes it loop 10^9 times (and allocate an array that large) before noticing the bytes ran out, so one
 * bad record could stall a partition. Every item of our arrays and maps takes at least one byte on the wire,
 * so a count larger than the bytes left is corrupt: the read is stopped and the record reported truncated.
 *
 * This replaces `_read` and `_skip` on a type's array and map nodes (own properties, so only types built by
 * `guardedType` are affected). avsc copies a reader node's `_read` into resolvers, so decoding through a
 * writer -> reader resolver is guarded too. Depends on avsc internals (`_read`, `Tap`): avsc is pinned, and
 * tests/unit/codec-wire.test.ts fails if the guard stops working.
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

interface TypeNode {
  readonly typeName: string;
  readonly fields?: readonly { readonly type: TypeNode }[];
  readonly itemsType?: TypeNode;
  readonly valuesType?: TypeNode;
  readonly types?: readonly TypeNode[];
  readonly underlyingType?: TypeNode;
  readonly size?: number;
  _read: (tap: Tap) => unknown;
  _skip: (tap: Tap) => void;
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

/** True when a value of this type can take zero bytes (then a count cannot be bounded by the bytes left). */
function canBeEmpty(type: TypeNode, seen: Set<TypeNode>): boolean {
  if (seen.has(type)) return false;
  seen.add(type);
  switch (type.typeName) {
    case 'null':
      return true;
    case 'record':
    case 'error':
      return (type.fields ?? []).every((field) => canBeEmpty(field.type, seen));
    case 'fixed':
      return type.size === 0;
    default:
      return type.underlyingType ? canBeEmpty(type.underlyingType, seen) : false;
  }
}

function guard(type: TypeNode, seen: Set<TypeNode>): void {
  if (seen.has(type)) return;
  seen.add(type);
  if (type.typeName === 'array' && type.itemsType) {
    if (!canBeEmpty(type.itemsType, new Set())) {
      type._read = boundedArrayRead as TypeNode['_read'];
      type._skip = boundedArraySkip as TypeNode['_skip'];
    }
    guard(type.itemsType, seen);
  } else if (type.typeName === 'map' && type.valuesType) {
    // Map keys are strings (at least one length byte), so a map's count is always bounded.
    type._read = boundedMapRead as TypeNode['_read'];
    type._skip = boundedMapSkip as TypeNode['_skip'];
    guard(type.valuesType, seen);
  }
  for (const field of type.fields ?? []) guard(field.type, seen);
  for (const branch of type.types ?? []) guard(branch, seen);
  if (type.underlyingType) guard(type.underlyingType, seen);
}

/** An avsc type for `schema` whose decoding is bounded by the input's length. */
export function guardedType(schema: avro.Schema): avro.Type {
  const type = avro.Type.forSchema(schema);
  guard(type as unknown as TypeNode, new Set());
  return type;
}
