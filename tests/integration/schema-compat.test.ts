/**
 * Schema evolution under BACKWARD on the real registry: breaking changes are refused with a VigilError that
 * names the subject and carries the registry's reason; a compatible change is accepted, and records written
 * with either version decode with either reader.
 */
import { randomBytes } from 'node:crypto';
import type avro from 'avsc';
import { describe, expect, inject, it } from 'vitest';
import { AvroCodec } from '../../adapters/kafka/avro-codec.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { registerSchemas, registerSchemasFromConfig } from '../../adapters/registry/register-schemas.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { topicsFromConfig } from '../../core/topics.js';
import { sensorReadingSample } from '../helpers/event-samples.js';

const registryUrl = inject('schemaRegistryUrl');
const prefix = `test.${randomBytes(4).toString('hex')}.`;
const config = configWith({ SCHEMA_REGISTRY_URL: registryUrl, VIGIL_TOPIC_PREFIX: prefix });
const registry = createRegistryClient(config);
const sensorTopic = topicsFromConfig(config).sensorReadings;

interface Field {
  name: string;
  type: unknown;
  default?: unknown;
  doc?: string;
}
const v1 = readSchemaFile('sensor-reading') as unknown as { fields: Field[] } & Record<string, unknown>;

function withFields(fields: Field[]): avro.Schema {
  return { ...v1, fields } as unknown as avro.Schema;
}

async function rejection(schema: avro.Schema): Promise<unknown> {
  return registry.register(sensorTopic.valueSubject, 'sensor-reading (changed)', schema).catch((e: unknown) => e);
}

describe('schema evolution under BACKWARD', () => {
  it('refuses breaking changes and accepts a compatible one; old and new records decode both ways', async () => {
    const [registered] = await registerSchemas(registry, [sensorTopic]);
    const v1Id = registered?.id ?? -1;
    expect(await registry.getCompatibility(sensorTopic.valueSubject)).toBe('BACKWARD');

    // A new field without a default: a new reader cannot read old records.
    const added = await rejection(withFields([...v1.fields, { name: 'firmware', type: 'string', doc: 'fw' }]));
    expect(isVigilError(added, 'VIGIL_REGISTRY_INCOMPATIBLE_SCHEMA')).toBe(true);
    expect((added as Error).message).toContain(sensorTopic.valueSubject);
    expect((added as Error).message).toMatch(/firmware/i);
    expect(isVigilError(added) && added.retriable).toBe(false);

    // A changed type: seq long -> string.
    const retyped = await rejection(
      withFields(v1.fields.map((f) => (f.name === 'seq' ? { ...f, type: 'string' } : f))),
    );
    expect(isVigilError(retyped, 'VIGIL_REGISTRY_INCOMPATIBLE_SCHEMA')).toBe(true);

    // A new field with a default is compatible.
    const v2Schema = withFields([...v1.fields, { name: 'firmware', type: 'string', default: 'unknown', doc: 'fw' }]);
    const v2Id = await registry.register(sensorTopic.valueSubject, 'sensor-reading v2', v2Schema);
    expect(v2Id).not.toBe(v1Id);

    // Both codecs ask the real registry for writer schemas they were not built with.
    const v1Codec = new AvroCodec<SensorReading>({
      schemaName: 'sensor-reading',
      readerSchema: readSchemaFile('sensor-reading'),
      source: registry,
      schemaId: v1Id,
    });
    const v2Codec = new AvroCodec<SensorReading & { firmware: string }>({
      schemaName: 'sensor-reading v2',
      readerSchema: v2Schema,
      source: registry,
      schemaId: v2Id,
    });
    const oldRecord = v1Codec.encode(sensorReadingSample);
    const newRecord = v2Codec.encode({ ...sensorReadingSample, firmware: '4.2.1' });

    expect({ ...(await v2Codec.decode(oldRecord)) }).toEqual({ ...sensorReadingSample, firmware: 'unknown' });
    expect({ ...(await v1Codec.decode(newRecord)) }).toEqual(sensorReadingSample);
  });

  it("registers every declared topic's value schema from config, idempotently, each with BACKWARD", async () => {
    const otherPrefix = `test.${randomBytes(4).toString('hex')}.`;
    const migrateConfig = configWith({ SCHEMA_REGISTRY_URL: registryUrl, VIGIL_TOPIC_PREFIX: otherPrefix });
    const first = await registerSchemasFromConfig(migrateConfig);
    expect(first.map((r) => r.subject).sort()).toEqual(
      ['alerts', 'dead-letters', 'inferences', 'model-control', 'orders', 'sensor-readings'].map(
        (s) => `${otherPrefix}${s}-value`,
      ),
    );
    expect(await registerSchemasFromConfig(migrateConfig)).toEqual(first);
    for (const r of first) expect(await registry.getCompatibility(r.subject)).toBe('BACKWARD');
  });

  it('refuses an invalid Avro schema with VIGIL_REGISTRY_INVALID_SCHEMA naming the subject', async () => {
    const subject = `${prefix}invalid-value`;
    const error = await registry
      .register(subject, 'broken', { type: 'recordx', name: 'X' } as unknown as avro.Schema)
      .catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_REGISTRY_INVALID_SCHEMA')).toBe(true);
    expect((error as Error).message).toContain(subject);
  });
});
