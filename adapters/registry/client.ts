/**
 * The schema registry adapter (Confluent API; Apicurio's ccompat API locally). Built on
 * @kafkajs/confluent-schema-registry for registration and id lookups (its caching and retry of 5xx); the
 * per-subject compatibility config, which that client cannot set, goes through fetch with the same auth.
 * Every failure leaves as a VigilError (registry-errors.ts).
 */
import { COMPATIBILITY, SchemaRegistry, SchemaType } from '@kafkajs/confluent-schema-registry';
import avro from 'avsc';
import { eventsError } from '../../core/events/errors.js';
import type { WriterSchemaSource } from '../kafka/avro-codec.js';
import { registryError } from './errors.js';
import { reasonOf, statusOf, toRegistryError } from './registry-errors.js';

export interface RegistryClientConfig {
  readonly registry: {
    readonly url: string;
    readonly username?: string | undefined;
    readonly password?: string | undefined;
  };
}

export type Compatibility = 'BACKWARD' | 'BACKWARD_TRANSITIVE' | 'FORWARD' | 'FULL' | 'NONE';

export interface RegistryClientOptions {
  /** Per-request timeout of the config calls, ms. */
  readonly requestTimeoutMs?: number;
  /** Retries of 5xx answers inside one call (the registry client's own retry); roles retry outages themselves. */
  readonly retries?: number;
}

export class RegistryClient implements WriterSchemaSource {
  readonly url: string;
  private readonly registry: SchemaRegistry;
  private readonly authHeader: string | undefined;
  private readonly requestTimeoutMs: number;

  constructor(config: RegistryClientConfig, options: RegistryClientOptions = {}) {
    const { url, username, password } = config.registry;
    this.url = url;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    const auth = username !== undefined && password !== undefined ? { username, password } : undefined;
    this.authHeader = auth && `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
    this.registry = new SchemaRegistry({
      host: url,
      clientId: 'vigil',
      ...(auth ? { auth } : {}),
      retry: { retries: options.retries ?? 2 },
    });
  }

  /** WriterSchemaSource: the schema registered under a global id. */
  async writerSchema(id: number): Promise<avro.Schema> {
    try {
      const type = (await this.registry.getSchema(id)) as unknown as Partial<avro.Type>;
      if (typeof type.schema !== 'function') {
        throw eventsError('VIGIL_EVENTS_UNDECODABLE', { schema: `id ${id}`, detail: 'the schema is not Avro' });
      }
      return type.schema({ exportAttrs: true });
    } catch (error) {
      if (statusOf(error) === 404) throw eventsError('VIGIL_EVENTS_UNKNOWN_SCHEMA', { schemaId: id }, error);
      throw toRegistryError(error, { url: this.url, operation: `GET /schemas/ids/${id}` });
    }
  }

  /** Sets a subject's compatibility level; false when the registry does not know the subject yet (Apicurio). */
  async setCompatibility(subject: string, compatibility: Compatibility): Promise<boolean> {
    const response = await this.request('PUT', `/config/${encodeURIComponent(subject)}`, { compatibility });
    if (response.status === 404) return false;
    await this.expectOk(response, `PUT /config/${subject}`);
    return true;
  }

  /** The subject's own compatibility level, or undefined when it has none (the global default applies). */
  async getCompatibility(subject: string): Promise<string | undefined> {
    const response = await this.request('GET', `/config/${encodeURIComponent(subject)}`);
    if (response.status === 404) return undefined;
    await this.expectOk(response, `GET /config/${subject}`);
    const body = (await response.json()) as { compatibilityLevel?: string; compatibility?: string };
    return body.compatibilityLevel ?? body.compatibility;
  }

  /**
   * Registers `schema` under `subject` and returns its id; registering a schema already there returns the
   * existing id (the registry deduplicates), so this is idempotent.
   */
  async register(subject: string, schemaName: string, schema: avro.Schema): Promise<number> {
    // Parsed here first: the client parses before sending, and its parse error would not name the subject.
    try {
      avro.Type.forSchema(schema);
    } catch (error) {
      throw registryError(
        'VIGIL_REGISTRY_INVALID_SCHEMA',
        { subject, schema: schemaName, reason: reasonOf(error) },
        error,
      );
    }
    try {
      const { id } = await this.registry.register(
        { type: SchemaType.AVRO, schema: JSON.stringify(schema) },
        { subject, compatibility: COMPATIBILITY.BACKWARD },
      );
      return id;
    } catch (error) {
      throw this.registrationError(error, subject, schemaName);
    }
  }

  /** The id `schema` is registered under in `subject`, without registering it. */
  async lookupId(subject: string, schemaName: string, schema: avro.Schema): Promise<number> {
    try {
      return await this.registry.getRegistryIdBySchema(subject, {
        type: SchemaType.AVRO,
        schema: JSON.stringify(schema),
      });
    } catch (error) {
      const status = statusOf(error) ?? statusOf((error as { cause?: unknown }).cause);
      if (status === 404 || /not found/i.test(reasonOf(error))) {
        throw registryError('VIGIL_REGISTRY_SCHEMA_NOT_REGISTERED', { subject, schema: schemaName }, error);
      }
      throw toRegistryError(error, {
        url: this.url,
        operation: `POST /subjects/${subject}`,
        subject,
        schema: schemaName,
      });
    }
  }

  private registrationError(error: unknown, subject: string, schemaName: string): unknown {
    // The client refuses to register when the subject's level differs from BACKWARD (checked before sending).
    if (error instanceof Error && error.name === 'ConfluentSchemaRegistryCompatibilityError') {
      return registryError(
        'VIGIL_REGISTRY_REQUEST_FAILED',
        { operation: `register ${subject}`, detail: `${error.message}; set the subject to BACKWARD` },
        error,
      );
    }
    return toRegistryError(error, {
      url: this.url,
      operation: `POST /subjects/${subject}/versions`,
      subject,
      schema: schemaName,
    });
  }

  private async request(method: 'GET' | 'PUT', path: string, body?: unknown): Promise<Response> {
    const headers: Record<string, string> = { accept: 'application/vnd.schemaregistry.v1+json, application/json' };
    if (body !== undefined) headers['content-type'] = 'application/vnd.schemaregistry.v1+json';
    if (this.authHeader) headers.authorization = this.authHeader;
    try {
      return await fetch(`${this.url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
    } catch (error) {
      throw registryError('VIGIL_REGISTRY_UNAVAILABLE', { url: this.url, detail: describeFetchFailure(error) }, error);
    }
  }

  private async expectOk(response: Response, operation: string): Promise<void> {
    if (response.ok) return;
    const text = await response.text().catch(() => '');
    let reason = text;
    try {
      reason = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // Not JSON: keep the raw text as the reason.
    }
    const failure = Object.assign(new Error(reason || response.statusText), { status: response.status });
    throw toRegistryError(failure, { url: this.url, operation });
  }
}

function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (error.name === 'TimeoutError') return 'request timed out';
  return cause?.code ? `${error.message}: ${cause.code}` : error.message;
}

export function createRegistryClient(config: RegistryClientConfig, options?: RegistryClientOptions): RegistryClient {
  return new RegistryClient(config, options);
}
