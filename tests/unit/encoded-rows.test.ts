import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeRows } from '../../adapters/clickhouse/encoded-rows.js';
import { countTurns } from '../helpers/turns.js';

const rowArb = fc.dictionary(
  fc.constantFrom('a', 'b', 'c_1', 'vector_base64'),
  fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.string(), fc.boolean()),
);

describe('encodeRows: rows as JSONEachRow, by turns of the event loop', () => {
  it('gives the same bytes and columns for any number of rows per turn', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(rowArb, { maxLength: 40 }), fc.integer({ min: 1, max: 50 }), async (rows, perTurn) => {
        fc.pre(rows.some((r) => Object.keys(r).length > 0));
        const encoded = await encodeRows(rows, perTurn);
        expect(encoded.bytes.toString()).toBe(rows.map((r) => `${JSON.stringify(r)}\n`).join(''));
        expect([...encoded.columns].sort()).toEqual([...new Set(rows.flatMap((r) => Object.keys(r)))].sort());
      }),
      { numRuns: 60 },
    );
  });

  it('gives the event loop back before every `perTurn` rows', async () => {
    const rows = Array.from({ length: 64 }, (_, i) => ({ n: i }));
    for (const [perTurn, turns] of [
      [64, 1],
      [16, 4],
    ] as const) {
      const counter = countTurns();
      await encodeRows(rows, perTurn);
      counter.stop();
      expect(counter.count).toBe(turns);
    }
  });

  it('refuses a number of rows per turn that is not a whole number of at least one', async () => {
    for (const perTurn of [0, -1, 1.5, Number.NaN]) {
      await expect(encodeRows([{ n: 1 }, { n: 2 }], perTurn)).rejects.toThrow(RangeError);
    }
  });
});
