/** featureMap: the same object a key-by-key build gives, for any names, with a plain prototype. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { featureMap, lazyFeatures, namedVectorOf } from '../../core/scoring/feature-map.js';

function keyByKey(names: readonly string[], vector: Float64Array): Record<string, number> {
  const map: Record<string, number> = {};
  for (let i = 0; i < names.length; i++) map[names[i]!] = vector[i]!;
  return map;
}

describe('featureMap', () => {
  it('equals the key-by-key object for any names and values, keys in the same order', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(
          fc.string().filter((name) => name !== '__proto__'),
          { maxLength: 40 },
        ),
        fc.array(fc.double(), { minLength: 40, maxLength: 40 }),
        (names, values) => {
          const vector = Float64Array.from(values);
          const made = featureMap(names, vector);
          const expected = keyByKey(names, vector);
          expect(Object.keys(made)).toEqual(Object.keys(expected));
          expect(Object.values(made)).toEqual(Object.values(expected));
          expect(Object.getPrototypeOf(made)).toBe(Object.prototype);
        },
      ),
    );
  });

  it('takes names that look like code as plain keys', () => {
    const names = ['a"];process.exit(1);//', 'back\\slash', 'line\nbreak', '\u2028', 'constructor'];
    const made = featureMap(names, Float64Array.from([1, 2, 3, 4, 5]));
    expect(made).toEqual({
      'a"];process.exit(1);//': 1,
      'back\\slash': 2,
      'line\nbreak': 3,
      '\u2028': 4,
      constructor: 5,
    });
    expect(JSON.parse(JSON.stringify(made))).toEqual(made);
  });

  it('builds a second vector of the same names with the same maker, independent of the first', () => {
    const names = ['x', 'y'];
    const first = featureMap(names, Float64Array.from([1, 2]));
    const second = featureMap(names, Float64Array.from([3, 4]));
    expect([first, second]).toEqual([
      { x: 1, y: 2 },
      { x: 3, y: 4 },
    ]);
  });
});

describe('lazyFeatures', () => {
  it('names the vector on first read, one map for every holder, and keeps the vector for writers', () => {
    const names = ['a', 'b'];
    const vector = Float64Array.from([1, 2]);
    const attach = lazyFeatures(names, vector);
    const row = attach({ key: 'P-1' });
    const inference = attach({ score: 0.5 });
    expect(namedVectorOf(row)).toEqual({ names, vector });
    expect(namedVectorOf({ features: { a: 1 } })).toBeUndefined();
    expect(row.features).toEqual({ a: 1, b: 2 });
    expect(inference.features).toBe(row.features);
    // Enumerable like a data property: serialising or spreading a holder carries its features.
    expect(JSON.parse(JSON.stringify(row))).toEqual({ key: 'P-1', features: { a: 1, b: 2 } });
    expect({ ...inference }).toEqual({ score: 0.5, features: { a: 1, b: 2 } });
  });
});
