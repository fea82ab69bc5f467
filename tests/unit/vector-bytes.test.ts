/** vectorBase64: the bytes a features or inference row sends for its vector (clickhouse/0018 decodes them). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { vectorBase64 } from '../../adapters/clickhouse/rows.js';
import { lazyFeatures } from '../../core/scoring/feature-map.js';
import { vectorOfRow } from '../helpers/vector-bytes.js';

describe('vectorBase64', () => {
  it("gives back every value, in order, bit for bit, from the pipeline's vector or from a name -> value map", () => {
    fc.assert(
      fc.property(fc.array(fc.double(), { maxLength: 300 }), fc.nat(16), (values, offset) => {
        // A vector that is a view into a larger buffer, as the engine's vectors may be.
        const backing = new Float64Array(offset + values.length);
        backing.set(values, offset);
        const vector = backing.subarray(offset);
        const names = values.map((_, i) => `f${i}`);
        const holder = lazyFeatures(names, vector)({});
        const map = { features: Object.fromEntries(names.map((n, i) => [n, values[i]!])) };
        expect(vectorOfRow({ vector_base64: vectorBase64(holder) })).toEqual(values);
        expect(vectorOfRow({ vector_base64: vectorBase64(map) })).toEqual(values);
      }),
    );
  });

  it('sends an empty vector as an empty string (the column default of rows without one)', () => {
    expect(vectorBase64({ features: {} })).toBe('');
  });
});
