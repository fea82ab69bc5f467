/**
 * The Avro codec of one event type in the Confluent wire format: the hot path of every producer and processor.
 *
 * Encoding uses the id the schema was registered under. Decoding reads the 5-byte header, finds the writer
 * schema by id and decodes with avsc, resolving writer -> reader when they differ, so records from evolved
 * producers still decode into the reader's shape.
 *
 * Fast path: `decodeCached(bytes)` is synchronous and does no registry call and no Promise once the id is
 * known: one Map lookup, then avsc. A processor calls `prepareBatch(values)` once per fetched batch (one await
 * at most, only when the batch carries an id not seen before), then `decodeCached` per record. `decode` is
 * the convenient async path for everything else.
 *
 * Failures are typed: bytes that cannot be a record -> VIGIL_EVENTS_UNDECODABLE; an id the registry does not
 * know -> VIGIL_EVENTS_UNKNOWN_SCHEMA (both dead-lettered, see deadLetterReasonOf); a registry that cannot be
 * asked -> VIGIL_REGISTRY_UNAVAILABLE, retriable: the batch waits, nothing is dead-lettered for an outage.
 */
import type avro from 'avsc';
import { isVigilError } from '../../core/errors.js';
import { eventsError } from '../../core/events/errors.js';
import {
  describeWireProblem,
  readSchemaId,
  WIRE_HEADER_LENGTH,
  writeWireHeader,
} from '../../core/events/wire-format.js';
import { guardedType } from './bounded-reads.js';

/** Where the codec finds writer schemas (the registry adapter implements it). */
export interface WriterSchemaSource {
  /**
   * The schema registered under `id`. Throws VIGIL_EVENTS_UNKNOWN_SCHEMA when the registry has no such id,
   * VIGIL_EVENTS_UNDECODABLE when it is not an Avro schema, and a retriable VigilError (VIGIL_REGISTRY_UNAVAILABLE) when the registry cannot be asked.
   */
  writerSchema(id: number): Promise<avro.Schema>;
}

export interface AvroCodecOptions {
  /** Schema name for messages (`sensor-reading`). */
  readonly schemaName: string;
  /** The schema this process reads into and writes with (schemas/<name>.avsc). */
  readonly readerSchema: avro.Schema;
  readonly source: WriterSchemaSource;
  /** The id `readerSchema` is registered under: required to encode, and saves one lookup when decoding. */
  readonly schemaId?: number;
  /**
   * How long an id the registry did not know is refused without asking again, ms (default 60 s): bounds the
   * registry calls a stream of corrupt ids can cause, and still notices a registry that was restored.
   */
  readonly unknownIdRecheckMs?: number;
  /** Check values against the schema before encoding (default true; avsc writes garbage for some bad values). */
  readonly validateOnEncode?: boolean;
  readonly now?: () => number;
}

type WriterEntry =
  | { readonly kind: 'ready'; readonly resolver: avro.Resolver | undefined }
  | { readonly kind: 'unknown'; readonly until: number }
  | { readonly kind: 'unresolvable'; readonly detail: string };

const DEFAULT_UNKNOWN_ID_RECHECK_MS = 60_000;
const INITIAL_SCRATCH_BYTES = 16 * 1024;

export class AvroCodec<T> {
  readonly schemaName: string;
  readonly readerType: avro.Type;
  private encodeSchemaId: number | undefined;
  private readonly writers = new Map<number, WriterEntry>();
  private readonly inFlight = new Map<number, Promise<void>>();
  private readonly source: WriterSchemaSource;
  private readonly unknownIdRecheckMs: number;
  private readonly validateOnEncode: boolean;
  private readonly now: () => number;
  private scratch = Buffer.allocUnsafe(INITIAL_SCRATCH_BYTES);

  constructor(options: AvroCodecOptions) {
    this.schemaName = options.schemaName;
    this.readerType = guardedType(options.readerSchema);
    this.source = options.source;
    this.unknownIdRecheckMs = options.unknownIdRecheckMs ?? DEFAULT_UNKNOWN_ID_RECHECK_MS;
    this.validateOnEncode = options.validateOnEncode ?? true;
    this.now = options.now ?? Date.now;
    if (options.schemaId !== undefined) this.useSchemaId(options.schemaId);
  }

  /** The id to encode with; records carrying it decode without a registry lookup. */
  useSchemaId(id: number): void {
    this.encodeSchemaId = id;
    this.writers.set(id, { kind: 'ready', resolver: undefined });
  }

  get schemaId(): number | undefined {
    return this.encodeSchemaId;
  }

  /** Wire-format bytes of `value` (a fresh Buffer the caller may keep, e.g. in a producer batch). */
  encode(value: T): Buffer {
    const id = this.encodeSchemaId;
    if (id === undefined) throw eventsError('VIGIL_EVENTS_CODEC_NOT_READY', { schema: this.schemaName });
    if (this.validateOnEncode) this.assertValid(value);
    let end: number;
    try {
      end = this.readerType.encode(value, this.scratch, WIRE_HEADER_LENGTH);
      if (end < 0) {
        // avsc returns minus the missing byte count: grow once to fit, then encode again.
        this.scratch = Buffer.allocUnsafe(Math.max(this.scratch.length * 2, this.scratch.length - end));
        end = this.readerType.encode(value, this.scratch, WIRE_HEADER_LENGTH);
      }
    } catch (error) {
      this.assertValid(value);
      throw error;
    }
    writeWireHeader(this.scratch, id);
    const out = Buffer.allocUnsafe(end);
    this.scratch.copy(out, 0, 0, end);
    return out;
  }

  /**
   * Decodes when the record's writer schema is already known; returns undefined when it is not (call `prepare`
   * or `decode`). Throws only VIGIL_EVENTS_UNDECODABLE / VIGIL_EVENTS_UNKNOWN_SCHEMA.
   */
  decodeCached(bytes: Buffer): T | undefined {
    const id = readSchemaId(bytes);
    if (id < 0) throw this.undecodable(describeWireProblem(id, bytes));
    const entry = this.writers.get(id);
    if (entry === undefined) return undefined;
    switch (entry.kind) {
      case 'ready':
        return this.readBody(bytes, id, entry.resolver);
      case 'unknown':
        if (this.now() < entry.until) throw eventsError('VIGIL_EVENTS_UNKNOWN_SCHEMA', { schemaId: id });
        return undefined;
      case 'unresolvable':
        throw this.undecodable(entry.detail);
    }
  }

  /** Decodes any record, fetching its writer schema first when needed. */
  async decode(bytes: Buffer): Promise<T> {
    const cached = this.decodeCached(bytes);
    if (cached !== undefined) return cached;
    await this.prepare([readSchemaId(bytes)]);
    const decoded = this.decodeCached(bytes);
    // prepare() leaves every id in a decided state (ready, unknown or unresolvable) or throws.
    if (decoded === undefined) throw this.undecodable(`writer schema ${readSchemaId(bytes)} could not be prepared`);
    return decoded;
  }

  /**
   * Makes sure the writer schemas of these ids are known, fetching each unknown id once (concurrent callers
   * share the fetch). Ids the registry does not know are remembered as unknown, not thrown: that is a property
   * of the records that carry them. Throws only when the registry cannot be asked (retriable).
   */
  async prepare(ids: Iterable<number>): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const id of ids) {
      if (id < 0 || this.isDecided(id)) continue;
      let fetch = this.inFlight.get(id);
      if (fetch === undefined) {
        fetch = this.fetchWriter(id).finally(() => this.inFlight.delete(id));
        this.inFlight.set(id, fetch);
      }
      waits.push(fetch);
    }
    if (waits.length > 0) await Promise.all(waits);
  }

  /** `prepare` for the values of one fetched batch; resolves without awaiting anything when all ids are known. */
  prepareBatch(values: Iterable<Buffer | null | undefined>): Promise<void> | undefined {
    let missing: number[] | undefined;
    for (const value of values) {
      const id = readSchemaId(value);
      if (id < 0 || this.isDecided(id)) continue;
      if (missing === undefined) missing = [id];
      else if (!missing.includes(id)) missing.push(id);
    }
    return missing && this.prepare(missing);
  }

  private isDecided(id: number): boolean {
    const entry = this.writers.get(id);
    return entry !== undefined && (entry.kind !== 'unknown' || this.now() < entry.until);
  }

  private async fetchWriter(id: number): Promise<void> {
    let schema: avro.Schema;
    try {
      schema = await this.source.writerSchema(id);
    } catch (error) {
      if (isVigilError(error, 'VIGIL_EVENTS_UNKNOWN_SCHEMA')) {
        this.writers.set(id, { kind: 'unknown', until: this.now() + this.unknownIdRecheckMs });
        return;
      }
      if (isVigilError(error, 'VIGIL_EVENTS_UNDECODABLE')) {
        this.writers.set(id, { kind: 'unresolvable', detail: error.message });
        return;
      }
      throw error;
    }
    this.writers.set(id, this.resolveWriter(id, schema));
  }

  private resolveWriter(id: number, schema: avro.Schema): WriterEntry {
    try {
      const writer = guardedType(schema);
      if (writer.equals(this.readerType)) return { kind: 'ready', resolver: undefined };
      return { kind: 'ready', resolver: this.readerType.createResolver(writer) };
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      return { kind: 'unresolvable', detail: `writer schema ${id} cannot be read as ${this.schemaName}: ${reason}` };
    }
  }

  private readBody(bytes: Buffer, id: number, resolver: avro.Resolver | undefined): T {
    let decoded: { value: unknown; offset: number };
    try {
      decoded = this.readerType.decode(bytes, WIRE_HEADER_LENGTH, resolver);
    } catch (error) {
      throw this.undecodable(`schema ${id}: ${error instanceof Error ? error.message : String(error)}`, error);
    }
    if (decoded.offset !== bytes.length) {
      throw this.undecodable(
        decoded.offset < 0
          ? `schema ${id}: body truncated or corrupt (${bytes.length} bytes)`
          : `schema ${id}: ${bytes.length - decoded.offset} trailing byte(s) after the record`,
      );
    }
    return decoded.value as T;
  }

  private assertValid(value: T): void {
    // The check without an error hook is the fast one (avsc tracks no paths); the paths are collected only for
    // the message of an invalid event. Every published event goes through here.
    if (this.readerType.isValid(value)) return;
    const paths: string[] = [];
    this.readerType.isValid(value, { errorHook: (path) => paths.push(path.join('.') || '(root)') });
    throw eventsError('VIGIL_EVENTS_INVALID_EVENT', { schema: this.schemaName, paths: paths.join(', ') });
  }

  private undecodable(detail: string, cause?: unknown) {
    return eventsError('VIGIL_EVENTS_UNDECODABLE', { schema: this.schemaName, detail }, cause);
  }
}
