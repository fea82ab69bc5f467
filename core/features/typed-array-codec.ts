/**
 * Float64Array <-> base64 of its bytes: snapshots stay JSON-serialisable and exact to the bit (JSON numbers lose
 * -0 and NaN). Byte order is the platform's; every platform Node supports in production is little-endian.
 */
export function encodeFloat64(values: Float64Array): string {
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64');
}

export function decodeFloat64(encoded: string): Float64Array {
  const bytes = Buffer.from(encoded, 'base64');
  if (bytes.byteLength % 8 !== 0) throw new RangeError('not a whole number of float64 values');
  const out = new Float64Array(bytes.byteLength / 8);
  new Uint8Array(out.buffer).set(bytes);
  return out;
}
