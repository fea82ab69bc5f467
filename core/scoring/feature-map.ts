/** Feature vectors as name -> value objects (what rows, records and explanations carry). */

/**
 * A set's name -> value objects come from one generated constructor per names list. Built one key at a time, an
 * object of ~230 keys falls back to V8's dictionary mode: building took 42 µs instead of 15-19, it held 14.7 KB of
 * heap instead of 5.6 and `Object.values` took 30 µs instead of 10 (a throwaway script), paid by every event
 * whose map is kept, and then by the garbage collector.
 */
const featureMapMakers = new WeakMap<readonly string[], (vector: Float64Array) => Record<string, number>>();

export function featureMap(names: readonly string[], vector: Float64Array): Record<string, number> {
  let make = featureMapMakers.get(names);
  if (make === undefined) {
    make = compileFeatureMapMaker(names);
    featureMapMakers.set(names, make);
  }
  return make(vector);
}

function compileFeatureMapMaker(names: readonly string[]): (vector: Float64Array) => Record<string, number> {
  // Names are data (channels of imported types included): JSON.stringify makes each a plain string literal.
  const body = names.map((name, i) => `this[${JSON.stringify(name)}] = v[${i}];`).join('\n');
  const FeatureMap = new Function('v', body) as unknown as new (v: Float64Array) => Record<string, number>;
  FeatureMap.prototype = Object.prototype;
  return (vector) => new FeatureMap(vector);
}

/** A feature vector with the names of its values, in order. */
export interface NamedVector {
  readonly names: readonly string[];
  readonly vector: Float64Array;
}

const namedVectors = new WeakMap<object, NamedVector>();

/** Gives a holder a lazily named `features` property (see `lazyFeatures`). */
export type AttachFeatures = <T extends object>(
  holder: T,
) => T & { readonly features: Readonly<Record<string, number>> };

/**
 * For one vector: attaches to each holder (its feature row, its inferences) a `features` property that names the
 * vector on its first read, one map for all of them. The processor's writers never read it: they take the values
 * in order from the vector (`namedVectorOf`), so a stream event costs no ~230-key object unless something asks
 * for one (an API response, an explanation). `vector` must not change afterwards.
 */
export function lazyFeatures(names: readonly string[], vector: Float64Array): AttachFeatures {
  let map: Record<string, number> | undefined;
  const features = () => {
    map ??= featureMap(names, vector);
    return map;
  };
  const named: NamedVector = { names, vector };
  return <T extends object>(holder: T) => {
    Object.defineProperty(holder, 'features', { get: features, enumerable: true, configurable: true });
    namedVectors.set(holder, named);
    return holder as T & { readonly features: Readonly<Record<string, number>> };
  };
}

/** The vector behind `holder.features` when `lazyFeatures` attached it. */
export function namedVectorOf(holder: object): NamedVector | undefined {
  return namedVectors.get(holder);
}
