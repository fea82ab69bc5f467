/**
 * InferenceEncoder writes a pipeline vector exactly as the inference codec (avsc) writes its named map, faster;
 * anything else goes the codec's way.
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { InferenceEncoder } from '../../adapters/kafka/inference-encoder.js';
import type { Inference } from '../../core/events/types.js';
import { featureMap, lazyFeatures } from '../../core/scoring/feature-map.js';

const codec = createEventCodec(
  'inference',
  {
    writerSchema: async () => {
      throw new Error('no registry in this test');
    },
  },
  { schemaId: 4242 },
);

const featureSets = [
  { set: 'sensors.pump', version: 'v1', names: ['speed_mean_1m', 'speed_std_1m', 'flow_last', 'temp_max_15m'] },
  { set: 'sensors.pump', version: 'v2', names: ['speed_mean_1m', 'flow_last'] },
  { set: 'sensors.mötor', version: 'v1', names: ['drehzahl_mittel_1m', 'température_max', '温度_5m', '\u{1F525}'] },
  { set: 'orders', version: 'v1', names: [] as string[] },
  { set: 'sensors.wide', version: 'v1', names: Array.from({ length: 231 }, (_, i) => `channel_${i}_mean_${i}m`) },
];

const inference = fc
  .record({
    set: fc.constantFrom(...featureSets),
    values: fc.array(fc.double(), { minLength: 231, maxLength: 231 }),
    text: fc.string(),
    time: fc.integer({ min: 0, max: 2 ** 45 }),
    score: fc.double(),
    anomaly: fc.boolean(),
    partition: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
  })
  .map(
    ({ set, values, text, time, score, anomaly, partition }): Inference => ({
      inferenceId: `inf-${text}`,
      stream: 'sensors',
      eventId: text,
      key: `P-${text}`,
      eventTime: time,
      scoredAt: time + 17,
      score,
      threshold: 0.7,
      anomaly,
      modelName: 'sensors-pump',
      modelVersion: `sha-${text}`,
      modelRole: 'production',
      featureSet: set.set,
      featureSetVersion: set.version,
      features: featureMap(set.names, Float64Array.from(values.slice(0, set.names.length))),
      sourceTopic: `sensor-readings${text}`,
      sourcePartition: partition,
      sourceOffset: String(time),
    }),
  );

describe('InferenceEncoder', () => {
  it('gives an inference with a plain map to the codec: its bytes, for any inference of any feature set', () => {
    const encoder = new InferenceEncoder(codec);
    fc.assert(
      fc.property(fc.array(inference, { minLength: 1, maxLength: 8 }), (inferences) => {
        for (const i of inferences) expect(encoder.encode(i)).toEqual(codec.encode(i));
      }),
    );
  });

  it('writes a pipeline vector (features named lazily) as the codec writes its named map', () => {
    const encoder = new InferenceEncoder(codec);
    fc.assert(
      fc.property(fc.array(inference, { minLength: 1, maxLength: 8 }), (inferences) => {
        for (const i of inferences) {
          const { features, ...rest } = i;
          // The set's own names array, as the pipeline passes it: the encoder recognises it and writes the vector.
          const names = featureSets.find((f) => f.set === i.featureSet && f.version === i.featureSetVersion)!.names;
          const lazy = lazyFeatures(names, Float64Array.from(Object.values(features)))(rest);
          expect(encoder.encode(lazy)).toEqual(codec.encode(i));
        }
      }),
    );
  });

  it('with features "anomalous", writes the map of anomalous inferences only, without naming the others', () => {
    const encoder = new InferenceEncoder(codec, { features: 'anomalous' });
    fc.assert(
      fc.property(fc.array(inference, { minLength: 1, maxLength: 8 }), (inferences) => {
        for (const i of inferences) {
          const { features, ...rest } = i;
          const expected = codec.encode(i.anomaly ? i : { ...i, features: {} });
          // A plain map, and a pipeline vector whose map must not be named unless the record carries it.
          expect(encoder.encode(i)).toEqual(expected);
          const names = featureSets.find((f) => f.set === i.featureSet && f.version === i.featureSetVersion)!.names;
          const lazy = lazyFeatures(names, Float64Array.from(Object.values(features)))(rest);
          const named = vi.spyOn(lazy, 'features', 'get');
          expect(encoder.encode(lazy)).toEqual(expected);
          expect(named).toHaveBeenCalledTimes(0);
        }
      }),
    );
    const [base] = fc.sample(inference, { numRuns: 1, seed: 5 }) as [Inference];
    const badNormal = { ...base, anomaly: false, score: 'high' } as unknown as Inference;
    expect(() => encoder.encode(badNormal)).toThrow(/score/);
  });

  it('goes the codec’s way for plain maps of any keys, and for a tail longer than the room kept for it', () => {
    const encoder = new InferenceEncoder(codec);
    const [base] = fc.sample(inference, { numRuns: 1, seed: 7 }) as [Inference];
    const first = { ...base, featureSet: 'x', featureSetVersion: '1', features: { a: 1, b: 2 } };
    expect(encoder.encode(first)).toEqual(codec.encode(first));
    const others: Record<string, number>[] = [{ b: 2, a: 1 }, { a: 1 }, { a: 1, b: 2, c: 3 }, {}];
    for (const features of others) {
      const other = { ...first, features };
      expect(encoder.encode(other)).toEqual(codec.encode(other));
    }
    const longTail = { ...first, sourceTopic: 't'.repeat(70_000) };
    expect(encoder.encode(longTail)).toEqual(codec.encode(longTail));
    const { features: _, ...rest } = longTail;
    const lazyLongTail = lazyFeatures(['a', 'b'], Float64Array.from([1, 2]))(rest);
    expect(encoder.encode(lazyLongTail)).toEqual(codec.encode(longTail));
  });

  it('refuses what the codec refuses, with the codec’s error', () => {
    const encoder = new InferenceEncoder(codec);
    const [base] = fc.sample(inference, { numRuns: 1, seed: 3 }) as [Inference];
    const { features, ...rest } = base;
    const names = Object.keys(features);
    const lazyBadScore = lazyFeatures(names, Float64Array.from(Object.values(features)))({ ...rest, score: 'high' });
    for (const bad of [
      { ...base, score: 'high' },
      { ...base, features: { ...base.features, extra: 'not a number' } },
      lazyBadScore,
    ] as unknown as Inference[]) {
      let refusal: unknown;
      try {
        codec.encode(bad);
      } catch (error) {
        refusal = error;
      }
      expect(refusal).toBeInstanceOf(Error);
      expect(() => encoder.encode(bad)).toThrow((refusal as Error).message);
    }
  });
});
