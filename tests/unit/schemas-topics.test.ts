/** The topic declaration: names, subjects and settings for a deployment. */
import { describe, expect, it } from 'vitest';
import { configWith } from '../../core/config/index.js';
import { SCHEMA_NAMES } from '../../core/events/schema-names.js';
import { declareTopics, topicList, topicsFromConfig, valueSubjectOf } from '../../core/topics.js';

describe('declareTopics', () => {
  const topics = declareTopics({ prefix: 'vigil.', replicationFactor: 1 });

  it('prefixes every topic and names its value subject by TopicNameStrategy', () => {
    expect(topics.sensorReadings.name).toBe('vigil.sensor-readings');
    expect(topics.sensorReadings.valueSubject).toBe('vigil.sensor-readings-value');
    expect(valueSubjectOf('x')).toBe('x-value');
    for (const t of topicList(topics)) expect(t.valueSubject).toBe(`${t.name}-value`);
  });

  it('declares one topic per event schema, with unique names', () => {
    const list = topicList(topics);
    expect(new Set(list.map((t) => t.name)).size).toBe(list.length);
    expect(list.map((t) => t.valueSchema).sort()).toEqual([...SCHEMA_NAMES].sort());
  });

  it('compacts the model-control topic on one partition and keeps it forever', () => {
    expect(topics.modelControl).toMatchObject({ partitions: 1, cleanupPolicy: 'compact', retentionMs: -1 });
    expect(topics.modelControl.configEntries).toMatchObject({ 'cleanup.policy': 'compact', 'retention.ms': '-1' });
    expect(topics.sensorReadings).toMatchObject({ partitions: 6, cleanupPolicy: 'delete' });
  });

  it('asks for two in-sync replicas once there are replicas to spare', () => {
    expect(topics.orders.configEntries['min.insync.replicas']).toBe('1');
    const replicated = declareTopics({ prefix: 'p.', replicationFactor: 3 });
    expect(replicated.orders.replicationFactor).toBe(3);
    expect(replicated.orders.configEntries['min.insync.replicas']).toBe('2');
  });

  it('reads prefix and replication factor from config', () => {
    const fromConfig = topicsFromConfig(
      configWith({ VIGIL_TOPIC_PREFIX: 'plant7.', KAFKA_TOPIC_REPLICATION_FACTOR: '3' }),
    );
    expect(fromConfig.deadLetters.name).toBe('plant7.dead-letters');
    expect(fromConfig.deadLetters.replicationFactor).toBe(3);
    expect(topicsFromConfig(configWith()).alerts.name).toBe('vigil.alerts');
  });
});
