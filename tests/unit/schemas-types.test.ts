/**
 * The .avsc schemas and the TypeScript event types must not drift apart. The key lists and samples in
 * tests/helpers/event-samples.ts are checked against the interfaces by the compiler (npm run typecheck); this
 * test checks them against the schemas, and round-trips every sample through avsc.
 */
import avro from 'avsc';
import { describe, expect, it } from 'vitest';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { SCHEMA_NAMES, type SchemaName } from '../../core/events/schema-names.js';
import { CONTRIBUTOR_FIELD_NAMES, ENUM_SYMBOLS, FIELD_NAMES, samples } from '../helpers/event-samples.js';

interface FieldSchema {
  name: string;
  type: unknown;
  doc?: string;
  default?: unknown;
}
interface RecordSchema {
  type: 'record';
  name: string;
  namespace?: string;
  doc?: string;
  fields: FieldSchema[];
}

function recordOf(name: SchemaName): RecordSchema {
  return readSchemaFile(name) as unknown as RecordSchema;
}

/** What a field's Avro type decodes to in JavaScript (avsc without logical type classes). */
function jsKindsOf(type: unknown): string[] {
  if (Array.isArray(type)) return type.flatMap(jsKindsOf);
  if (typeof type === 'string') {
    switch (type) {
      case 'null':
        return ['null'];
      case 'string':
        return ['string'];
      case 'boolean':
        return ['boolean'];
      case 'int':
      case 'long':
      case 'float':
      case 'double':
        return ['number'];
      case 'bytes':
        return ['bytes'];
      default:
        return [`named:${type}`];
    }
  }
  const t = type as { type: string };
  if (t.type === 'map' || t.type === 'record') return ['object'];
  if (t.type === 'array') return ['array'];
  if (t.type === 'enum') return ['string'];
  return jsKindsOf(t.type);
}

function jsKindOfValue(value: unknown): string {
  if (value === null) return 'null';
  if (Buffer.isBuffer(value) || value instanceof Uint8Array) return 'bytes';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

function enumsOf(type: unknown, out: Map<string, string[]> = new Map()): Map<string, string[]> {
  if (Array.isArray(type)) for (const branch of type) enumsOf(branch, out);
  else if (type && typeof type === 'object') {
    const t = type as { type: string; name?: string; symbols?: string[]; items?: unknown; values?: unknown };
    if (t.type === 'enum' && t.name && t.symbols) out.set(t.name, t.symbols);
    if (t.items) enumsOf(t.items, out);
    if (t.values) enumsOf(t.values, out);
    if (t.type === 'record') for (const f of (t as unknown as RecordSchema).fields) enumsOf(f.type, out);
  }
  return out;
}

describe.each(SCHEMA_NAMES)('schema %s', (name) => {
  const record = recordOf(name);
  const type = avro.Type.forSchema(readSchemaFile(name));

  it('is a documented record in the io.vigil.events namespace', () => {
    expect(record.type).toBe('record');
    expect(record.namespace).toBe('io.vigil.events');
    expect(record.doc).toBeTruthy();
    for (const field of record.fields) expect(field.doc, `${name}.${field.name} has no doc`).toBeTruthy();
  });

  it('has exactly the fields of its TypeScript interface', () => {
    const schemaFields = record.fields.map((f) => f.name).sort();
    expect(schemaFields).toEqual(Object.keys(FIELD_NAMES[name]).sort());
  });

  it('gives every field the JavaScript kind the typed samples hold', () => {
    for (const sample of samples[name]) {
      for (const field of record.fields) {
        const value = (sample as unknown as Record<string, unknown>)[field.name];
        expect(jsKindsOf(field.type), `${name}.${field.name}`).toContain(jsKindOfValue(value));
      }
    }
  });

  it('declares each enum with exactly the symbols of its TypeScript union', () => {
    for (const [enumName, symbols] of enumsOf(record)) {
      const expected = ENUM_SYMBOLS[enumName as keyof typeof ENUM_SYMBOLS];
      expect(expected, `enum ${enumName} has no TypeScript union in ENUM_SYMBOLS`).toBeDefined();
      expect([...symbols].sort()).toEqual(Object.keys(expected).sort());
    }
  });

  it('round-trips every typed sample through avsc unchanged', () => {
    for (const sample of samples[name]) {
      expect(type.isValid(sample)).toBe(true);
      const decoded = type.fromBuffer(type.toBuffer(sample));
      expect({ ...decoded }).toEqual(sample);
    }
  });

  it('gives every nullable field a null default (room to evolve)', () => {
    for (const field of record.fields) {
      const kinds = jsKindsOf(field.type);
      if (kinds.includes('null')) expect(field.default, `${name}.${field.name}`).toBeNull();
    }
  });
});

describe('nested records', () => {
  it('alert contributors have exactly the fields of AlertContributor', () => {
    const contributors = recordOf('alert').fields.find((f) => f.name === 'contributors');
    expect(contributors).toBeDefined();
    const items = (contributors?.type as { items: RecordSchema } | undefined)?.items;
    expect(items).toBeDefined();
    expect(items?.fields.map((f) => f.name).sort()).toEqual(Object.keys(CONTRIBUTOR_FIELD_NAMES).sort());
  });
});

describe('every enum the TypeScript types declare', () => {
  it('appears in some schema', () => {
    const declared = new Set<string>();
    for (const name of SCHEMA_NAMES) for (const enumName of enumsOf(recordOf(name)).keys()) declared.add(enumName);
    expect([...declared].sort()).toEqual(Object.keys(ENUM_SYMBOLS).sort());
  });
});
