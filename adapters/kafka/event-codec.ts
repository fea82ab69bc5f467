/** A typed codec for one of Vigil's shipped event schemas (schemas/<name>.avsc). */
import type { EventBySchema, SchemaName } from '../../core/events/schema-names.js';
import { readSchemaFile } from '../registry/schema-files.js';
import { AvroCodec, type AvroCodecOptions, type WriterSchemaSource } from './avro-codec.js';

export function createEventCodec<N extends SchemaName>(
  name: N,
  source: WriterSchemaSource,
  options: Omit<AvroCodecOptions, 'schemaName' | 'readerSchema' | 'source'> = {},
): AvroCodec<EventBySchema[N]> {
  return new AvroCodec<EventBySchema[N]>({ ...options, schemaName: name, readerSchema: readSchemaFile(name), source });
}
