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
