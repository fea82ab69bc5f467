/** The remembering partitioner places every record where kafkajs's default partitioner does. */
import fc from 'fast-check';
import { type PartitionerArgs, Partitioners } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { rememberingKeyPartitioner } from '../../adapters/kafka/key-partitioner.js';

const metadata = (count: number) =>
  Array.from({ length: count }, (_, partitionId) => ({
    partitionErrorCode: 0,
    partitionId,
    leader: 1,
    replicas: [1],
    isr: [1],
  }));

const args = (topic: string, partitions: number, key: string, partition?: number): PartitionerArgs => ({
  topic,
  partitionMetadata: metadata(partitions),
  message: { key, value: null, ...(partition === undefined ? {} : { partition }) },
});

describe('rememberingKeyPartitioner', () => {
  it('gives the default partitioner’s partition for any key, topic and partition count, asked any number of times', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 1, max: 12 }), fc.string()), {
          maxLength: 60,
        }),
        (requests) => {
          const remembering = rememberingKeyPartitioner();
          const reference = Partitioners.DefaultPartitioner();
          for (const [topic, partitions, key] of [...requests, ...requests]) {
            expect(remembering(args(topic, partitions, key))).toBe(reference(args(topic, partitions, key)));
          }
        },
      ),
    );
  });

  it('keeps an explicit partition', () => {
    const remembering = rememberingKeyPartitioner();
    const other = (remembering(args('t', 6, 'P-1')) + 1) % 6;
    expect(remembering(args('t', 6, 'P-1', other))).toBe(other);
  });
});
