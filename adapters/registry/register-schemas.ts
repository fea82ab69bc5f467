/**
 * Registers each topic's value schema under its TopicNameStrategy subject (`<topic>-value`) with compatibility
 * BACKWARD set explicitly per subject (Apicurio's default is NONE, and a registry's global default is not ours
 * to rely on). Idempotent: an unchanged schema keeps its id. Used by `vigil migrate`; runtime roles that must not
 * register use `lookupSchemaIds`.
 */
import type { SchemaName } from '../../core/events/schema-names.js';
import { type TopicSpec, topicList, topicsFromConfig } from '../../core/topics.js';
import { createRegistryClient, type RegistryClient, type RegistryClientConfig } from './client.js';
import { readSchemaFile } from './schema-files.js';

export interface RegisteredSchema {
  readonly topic: string;
  readonly subject: string;
  readonly schema: SchemaName;
  readonly id: number;
}

type SchemaTopic = Pick<TopicSpec, 'name' | 'valueSubject' | 'valueSchema'>;

/** Registers one subject: compatibility first, so the new version is checked under BACKWARD. */
async function registerOne(client: RegistryClient, topic: SchemaTopic): Promise<RegisteredSchema> {
  const schema = readSchemaFile(topic.valueSchema);
  // Apicurio knows no config for a subject that has no version yet: register the first version, then set it.
  const configured = await client.setCompatibility(topic.valueSubject, 'BACKWARD');
  const id = await client.register(topic.valueSubject, topic.valueSchema, schema);
  if (!configured) await client.setCompatibility(topic.valueSubject, 'BACKWARD');
  return { topic: topic.name, subject: topic.valueSubject, schema: topic.valueSchema, id };
}

/** Registers every topic's value schema, in order; stops at the first rejection (a VigilError naming the subject). */
export async function registerSchemas(
  client: RegistryClient,
  topics: readonly SchemaTopic[],
): Promise<RegisteredSchema[]> {
  const registered: RegisteredSchema[] = [];
  for (const topic of topics) registered.push(await registerOne(client, topic));
  return registered;
}

/** The ids the shipped schemas are registered under, without registering (VIGIL_REGISTRY_SCHEMA_NOT_REGISTERED if not). */
export async function lookupSchemaIds(
  client: RegistryClient,
  topics: readonly SchemaTopic[],
): Promise<RegisteredSchema[]> {
  return Promise.all(
    topics.map(async (topic) => ({
      topic: topic.name,
      subject: topic.valueSubject,
      schema: topic.valueSchema,
      id: await client.lookupId(topic.valueSubject, topic.valueSchema, readSchemaFile(topic.valueSchema)),
    })),
  );
}

/** `vigil migrate`'s schemas step: registers the value schema of every declared topic of this deployment. */
export function registerSchemasFromConfig(
  config: RegistryClientConfig & Parameters<typeof topicsFromConfig>[0],
): Promise<RegisteredSchema[]> {
  return registerSchemas(createRegistryClient(config), topicList(topicsFromConfig(config)));
}
