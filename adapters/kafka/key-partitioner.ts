/**
 * kafkajs's default partitioner (murmur2 of the key modulo the partition count, as the Java client places keyed
 * records) with each key's partition remembered: a plant publishes the same asset ids over and over, and the
 * default hashes every record's key and filters the partition list for every record, the publisher's largest cost
 * after kafkajs's own record encoding. Same placement, so records of one key stay in one partition, in order.
 */
import { type ICustomPartitioner, Partitioners } from 'kafkajs';

/** Keys remembered per topic before the memory is cleared (an importer may bring unbounded distinct keys). */
const MAX_REMEMBERED_KEYS = 100_000;

export const rememberingKeyPartitioner: ICustomPartitioner = () => {
  const hashed = Partitioners.DefaultPartitioner();
  const topics = new Map<string, { partitions: number; byKey: Map<string, number> }>();
  return (args) => {
    const { topic, partitionMetadata, message } = args;
    if (typeof message.key !== 'string' || (message.partition !== undefined && message.partition !== null)) {
      return hashed(args);
    }
    let memory = topics.get(topic);
    if (
      memory === undefined ||
      memory.partitions !== partitionMetadata.length ||
      memory.byKey.size >= MAX_REMEMBERED_KEYS
    ) {
      memory = { partitions: partitionMetadata.length, byKey: new Map() };
      topics.set(topic, memory);
    }
    let partition = memory.byKey.get(message.key);
    if (partition === undefined) {
      partition = hashed(args);
      memory.byKey.set(message.key, partition);
    }
    return partition;
  };
};
