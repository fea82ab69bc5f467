/**
 * The Confluent wire format: magic byte 0, a 4-byte big-endian schema id, then the Avro binary body.
 * Pure and allocation-free: the decoder calls `readSchemaId` once per record on the hot path.
 */

export const MAGIC_BYTE = 0;
export const WIRE_HEADER_LENGTH = 5;
/** Confluent schema ids are Java ints: ids above this cannot have been issued by a registry. */
export const MAX_SCHEMA_ID = 0x7fffffff;

/** Negative results of `readSchemaId`: why the bytes cannot carry a Confluent-framed record. */
export const WireProblem = {
  TOO_SHORT: -1,
  BAD_MAGIC: -2,
  ID_OUT_OF_RANGE: -3,
} as const;
export type WireProblem = (typeof WireProblem)[keyof typeof WireProblem];

/**
 * The schema id of a framed record (>= 0), or a negative `WireProblem`. Never throws, never allocates; the
 * body is only known to start at `WIRE_HEADER_LENGTH` when the result is >= 0.
 */
export function readSchemaId(bytes: Uint8Array | null | undefined): number {
  if (!bytes || bytes.length < WIRE_HEADER_LENGTH) return WireProblem.TOO_SHORT;
  if (bytes[0] !== MAGIC_BYTE) return WireProblem.BAD_MAGIC;
  // The first byte of the id is read with multiplication, not `<<`, so ids >= 2^31 stay positive.
  const id =
    (bytes[1] as number) * 0x1000000 +
    (((bytes[2] as number) << 16) | ((bytes[3] as number) << 8) | (bytes[4] as number));
  return id > MAX_SCHEMA_ID ? WireProblem.ID_OUT_OF_RANGE : id;
}

/** A short explanation of a `WireProblem` for dead-letter messages (no payload bytes: they may be large). */
export function describeWireProblem(problem: number, bytes: Uint8Array | null | undefined): string {
  switch (problem) {
    case WireProblem.TOO_SHORT:
      return bytes
        ? `${bytes.length} byte(s), shorter than the ${WIRE_HEADER_LENGTH}-byte Confluent header`
        : 'no value bytes (tombstone)';
    case WireProblem.BAD_MAGIC:
      return `magic byte ${bytes?.[0]} is not ${MAGIC_BYTE}: not Confluent wire format`;
    case WireProblem.ID_OUT_OF_RANGE:
      return `schema id field exceeds ${MAX_SCHEMA_ID}: corrupt header`;
    default:
      return `unknown wire problem ${problem}`;
  }
}

/** Writes the 5-byte header at `offset` (the body follows at `offset + WIRE_HEADER_LENGTH`). */
export function writeWireHeader(target: Uint8Array, schemaId: number, offset = 0): void {
  if (!Number.isInteger(schemaId) || schemaId < 0 || schemaId > MAX_SCHEMA_ID) {
    throw new RangeError(`schema id ${schemaId} is not an integer in 0..${MAX_SCHEMA_ID}`);
  }
  target[offset] = MAGIC_BYTE;
  target[offset + 1] = (schemaId >>> 24) & 0xff;
  target[offset + 2] = (schemaId >>> 16) & 0xff;
  target[offset + 3] = (schemaId >>> 8) & 0xff;
  target[offset + 4] = schemaId & 0xff;
}
