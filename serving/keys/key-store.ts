/**
 * API keys in ClickHouse (table api_keys, read with FINAL). Revoking rewrites the row with revoked_at and a later
 * updated_at. Authentication looks a key up by its public prefix; verified rows are cached for `cacheMs` so a
 * request does not pay a ClickHouse round trip: a revocation or expiry therefore takes effect within `cacheMs`
 * (default 5 s) on a running server (expiry is also checked on every request against the cached row).
 *
 * With a logger, a row in use is read again beside the requests once past half its life (refresh ahead), so a
 * steady stream of requests never waits for ClickHouse: before, every request arriving while an expired row was
 * re-read made its own read and waited for it, and on the embedded engine a read queues behind an insert in
 * progress (bursts of 40-47 ms requests every 5 s at 330 req/s; bench/README.md, "tenth"). Concurrent reads of one
 * prefix are one read.
 */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { Logger } from '../../adapters/logger.js';
import { isRole, type Role } from '../permissions.js';
import { generateApiKey } from './api-key.js';

export interface ApiKeyRecord {
  readonly id: string;
  readonly prefix: string;
  readonly hash: string;
  readonly role: Role;
  readonly name: string;
  readonly createdAt: number;
  readonly createdBy: string;
  readonly expiresAt: number | null;
  readonly revokedAt: number | null;
}

export interface CreateKeyRequest {
  readonly role: Role;
  readonly name: string;
  readonly createdBy: string;
  readonly expiresAt?: number | null;
}

export interface CreatedKey {
  readonly record: ApiKeyRecord;
  /** The full key: shown once, never stored. */
  readonly token: string;
}

interface KeyRow {
  id: string;
  prefix: string;
  hash: string;
  role: string;
  name: string;
  created_at: string;
  created_by: string;
  expires_at: string | null;
  revoked_at: string | null;
}

const COLUMNS = `id, prefix, hash, role, name, toUnixTimestamp64Milli(created_at) AS created_at, created_by,
  toUnixTimestamp64Milli(expires_at) AS expires_at, toUnixTimestamp64Milli(revoked_at) AS revoked_at`;

interface CachedKey {
  readonly record: ApiKeyRecord | undefined;
  /** Valid until this time: the read's start + cacheMs, so a row is never trusted longer than cacheMs. */
  readonly until: number;
}

export interface KeyStoreOptions {
  readonly cacheMs?: number;
  readonly now?: () => number;
  /** Where a failed refresh ahead is reported; without one, rows are read again only once expired. */
  readonly logger?: Logger;
  /** Prefixes remembered at most (unknown ones are cached too); beyond it the expired go, then the oldest. */
  readonly maxCachedPrefixes?: number;
}

export class KeyStore {
  readonly #ch: ClickHouse;
  readonly #cacheMs: number;
  readonly #now: () => number;
  readonly #logger: Logger | undefined;
  readonly #maxCached: number;
  readonly #byPrefix = new Map<string, CachedKey>();
  readonly #reading = new Map<string, Promise<ApiKeyRecord | undefined>>();
  /** Bumped when a key is created or revoked here: a read started before must not cache what it read. */
  #generation = 0;

  constructor(ch: ClickHouse, options: KeyStoreOptions = {}) {
    this.#ch = ch;
    this.#cacheMs = options.cacheMs ?? 5_000;
    this.#now = options.now ?? Date.now;
    this.#logger = options.logger;
    this.#maxCached = options.maxCachedPrefixes ?? 10_000;
  }

  async create(request: CreateKeyRequest): Promise<CreatedKey> {
    const key = generateApiKey();
    const now = this.#now();
    const record: ApiKeyRecord = {
      id: key.id,
      prefix: key.prefix,
      hash: key.hash,
      role: request.role,
      name: request.name,
      createdAt: now,
      createdBy: request.createdBy,
      expiresAt: request.expiresAt ?? null,
      revokedAt: null,
    };
    await this.#write(record, now);
    this.#forget(record.prefix);
    return { record, token: key.token };
  }

  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.#ch.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys FINAL ORDER BY created_at, id`);
    return rows.map(toRecord);
  }

  async count(): Promise<number> {
    const rows = await this.#ch.query<{ n: string }>('SELECT count() AS n FROM api_keys FINAL');
    return Number(rows[0]?.n ?? 0);
  }

  async get(id: string): Promise<ApiKeyRecord | undefined> {
    const rows = await this.#ch.query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys FINAL WHERE id = {id:String}`, { id });
    return rows[0] && toRecord(rows[0]);
  }

  /** Marks a key revoked; returns the revoked record, or undefined when no key has this id. */
  async revoke(id: string): Promise<ApiKeyRecord | undefined> {
    const current = await this.get(id);
    if (current === undefined) return undefined;
    if (current.revokedAt !== null) return current;
    const now = this.#now();
    const revoked = { ...current, revokedAt: now };
    await this.#write(revoked, now);
    this.#forget(current.prefix);
    return revoked;
  }

  /** The key with this public prefix (cached for cacheMs, misses included). */
  async findByPrefix(prefix: string): Promise<ApiKeyRecord | undefined> {
    const now = this.#now();
    const cached = this.#byPrefix.get(prefix);
    if (cached === undefined || cached.until <= now) return this.#read(prefix);
    const logger = this.#logger;
    if (logger && cached.until - now <= this.#cacheMs / 2 && !this.#reading.has(prefix)) {
      this.#read(prefix).catch((error: unknown) => {
        logger.warn({ err: error, prefix }, 'api key refresh failed; the cached row stays valid until it expires');
      });
    }
    return cached.record;
  }

  #read(prefix: string): Promise<ApiKeyRecord | undefined> {
    const inFlight = this.#reading.get(prefix);
    if (inFlight) return inFlight;
    const startedAt = this.#now();
    const generation = this.#generation;
    const read = this.#ch
      .query<KeyRow>(`SELECT ${COLUMNS} FROM api_keys FINAL WHERE prefix = {prefix:String} LIMIT 2`, { prefix })
      .then((rows) => {
        // Two keys sharing a prefix (1 in 2^32 per pair) would be ambiguous: refuse both rather than guess.
        const record = rows.length === 1 ? toRecord(rows[0]!) : undefined;
        if (generation === this.#generation) this.#remember(prefix, { record, until: startedAt + this.#cacheMs });
        return record;
      })
      .finally(() => {
        if (this.#reading.get(prefix) === read) this.#reading.delete(prefix);
      });
    this.#reading.set(prefix, read);
    return read;
  }

  #remember(prefix: string, entry: CachedKey): void {
    if (this.#byPrefix.size >= this.#maxCached && !this.#byPrefix.has(prefix)) {
      const now = this.#now();
      for (const [p, e] of this.#byPrefix) if (e.until <= now) this.#byPrefix.delete(p);
      if (this.#byPrefix.size >= this.#maxCached) this.#byPrefix.delete(this.#byPrefix.keys().next().value!);
    }
    this.#byPrefix.set(prefix, entry);
  }

  /** After a write here: the next lookup reads the row again, and reads already in flight cache nothing. */
  #forget(prefix: string): void {
    this.#generation++;
    this.#byPrefix.delete(prefix);
    this.#reading.delete(prefix);
  }

  async #write(record: ApiKeyRecord, updatedAt: number): Promise<void> {
    await this.#ch.insertRows('api_keys', [
      {
        id: record.id,
        prefix: record.prefix,
        hash: record.hash,
        role: record.role,
        name: record.name,
        created_at: record.createdAt,
        created_by: record.createdBy,
        expires_at: record.expiresAt,
        revoked_at: record.revokedAt,
        updated_at: updatedAt,
      },
    ]);
  }
}

function toRecord(row: KeyRow): ApiKeyRecord {
  if (!isRole(row.role)) throw new Error(`api_keys row ${row.id} has unknown role ${row.role}`);
  return {
    id: row.id,
    prefix: row.prefix,
    hash: row.hash,
    role: row.role,
    name: row.name,
    createdAt: Number(row.created_at),
    createdBy: row.created_by,
    expiresAt: row.expires_at === null ? null : Number(row.expires_at),
    revokedAt: row.revoked_at === null ? null : Number(row.revoked_at),
  };
}
