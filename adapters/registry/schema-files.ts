/**
 * Reads the event schemas shipped in schemas/*.avsc (the source of truth on the wire). Read once per process
 * and cached; a missing or malformed file is a packaging bug, so it throws a plain Error.
 */
import { readFileSync } from 'node:fs';
import type avro from 'avsc';
import type { SchemaName } from '../../core/events/schema-names.js';

const SCHEMAS_DIR = new URL('../../schemas/', import.meta.url);
const cache = new Map<SchemaName, avro.Schema>();

/** The parsed JSON of schemas/<name>.avsc (shared: do not mutate). */
export function readSchemaFile(name: SchemaName): avro.Schema {
  let schema = cache.get(name);
  if (schema === undefined) {
    const text = readFileSync(new URL(`${name}.avsc`, SCHEMAS_DIR), 'utf8');
    schema = JSON.parse(text) as avro.Schema;
    cache.set(name, schema);
  }
  return schema;
}
