/**
 * The API key cache against the real engine: concurrent lookups of one prefix make one read, a row in use is read
 * again ahead of its expiry without making a request wait, a revocation made while a read is in flight is not
 * undone by it, and the cache is bounded. Reads of api_keys are held at a gate to control their timing; the clock
 * is injected.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { parseApiKey } from '../../serving/keys/api-key.js';
import { KeyStore, type KeyStoreOptions } from '../../serving/keys/key-store.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db.close();
});

/**
 * The engine, with its reads of api_keys by prefix counted and, after `hold()`, held until `release()` (each read
 * is made first, then held: what it returns is the row as it was when it was made).
 */
function gatedKeys(ch: ClickHouse) {
  let gate: Promise<void> | undefined;
  let open: () => void = () => {};
  let arrived: () => void = () => {};
  const state = {
    reads: 0,
    /** Every read's completion, held or not. */
    readsDone: [] as Promise<unknown>[],
    /** Resolves once a read made after this call is held at the gate. */
    nextHeld: () =>
      new Promise<void>((resolve) => {
        arrived = resolve;
      }),
    hold() {
      gate = new Promise((resolve) => {
        open = resolve;
      });
    },
    release() {
      gate = undefined;
      open();
    },
    ch: {
      ...ch,
      insertRows: ch.insertRows.bind(ch),
      command: ch.command.bind(ch),
      async query(sql, params, options) {
        if (/FROM api_keys FINAL WHERE prefix/.test(sql)) {
          state.reads++;
          const read = (async () => {
            const rows = await ch.query(sql, params, options);
            arrived();
            await gate;
            return rows;
          })();
          state.readsDone.push(read.catch(() => undefined));
          return read;
        }
        return ch.query(sql, params, options);
      },
    } as ClickHouse,
  };
  return state;
}

/** A store over the gated engine with a 5 s cache and its own clock (starting at 1 000 000 ms). */
function storeWith(options: KeyStoreOptions = {}) {
  const clock = { now: 1_000_000 };
  const gated = gatedKeys(db.ch);
  const store = new KeyStore(gated.ch, { cacheMs: 5_000, now: () => clock.now, ...options });
  return { clock, gated, store };
}

/** The same, with one viewer key created in it. */
async function storeWithKey(name: string, options: KeyStoreOptions = {}) {
  const made = storeWith(options);
  const { record, token } = await made.store.create({ role: 'viewer', name, createdBy: 'test' });
  return { ...made, record, token, prefix: prefixOf(token) };
}

const prefixOf = (token: string) => parseApiKey(token)!.prefix;
const logger = () => createLogger('warn', new Writable({ write: (_c, _e, done) => done() }));

describe('api key cache', () => {
  it('makes one read for concurrent lookups of a prefix', async () => {
    const { gated, store, record, prefix } = await storeWithKey('a', { logger: logger() });
    gated.hold();
    const lookups = Array.from({ length: 10 }, () => store.findByPrefix(prefix));
    gated.release();
    const found = await Promise.all(lookups);
    expect(found.map((r) => r?.id)).toEqual(Array(10).fill(record.id));
    expect(gated.reads).toBe(1);
  });

  it('reads a row in use again past half its life, without making the lookup wait', async () => {
    const { clock, gated, store, record, prefix } = await storeWithKey('b', { logger: logger() });
    await store.findByPrefix(prefix); // read at t, valid until t + 5 s
    clock.now += 2_000;
    await store.findByPrefix(prefix);
    expect(gated.reads).toBe(1); // less than half its life gone: no read

    clock.now += 1_000; // 3 s: past half
    gated.hold();
    // Answered from the cache while the refresh is held at the gate.
    expect((await store.findByPrefix(prefix))?.id).toBe(record.id);
    expect((await store.findByPrefix(prefix))?.id).toBe(record.id);
    expect(gated.reads).toBe(2); // one refresh, not one per lookup
    gated.release();
    await Promise.all(gated.readsDone);
    await new Promise((resolve) => setImmediate(resolve)); // the store caches what the read returned

    clock.now += 3_000; // 6 s after the first read: expired, but the refresh (started at 3 s) holds to 8 s
    expect((await store.findByPrefix(prefix))?.id).toBe(record.id);
    expect(gated.reads).toBe(3); // ...and past half of the refreshed life again, so one more refresh started
  });

  it('without a logger, reads a row again only once it expired', async () => {
    const { clock, gated, store, prefix } = await storeWithKey('c');
    await store.findByPrefix(prefix);
    clock.now += 4_999;
    await store.findByPrefix(prefix);
    expect(gated.reads).toBe(1);
    clock.now += 1;
    await store.findByPrefix(prefix);
    expect(gated.reads).toBe(2);
  });

  it('does not cache a row read before a revocation made here', async () => {
    const { gated, store, record, prefix } = await storeWithKey('d', { logger: logger() });
    gated.hold();
    const held = gated.nextHeld();
    const before = store.findByPrefix(prefix); // reads the row as it is now, then is held at the gate
    await held;
    await store.revoke(record.id); // its own read of the row is by id, not held
    gated.release();
    expect((await before)?.revokedAt).toBeNull(); // a lookup concurrent with the revocation may see either
    expect((await store.findByPrefix(prefix))?.revokedAt).not.toBeNull();
  });

  it('keeps at most maxCachedPrefixes, dropping the expired first', async () => {
    const { clock, gated, store } = storeWith({ maxCachedPrefixes: 2 });
    const keys = await Promise.all(
      ['e1', 'e2', 'e3'].map((name) => store.create({ role: 'viewer', name, createdBy: 'test' })),
    );
    const [p1, p2, p3] = keys.map((k) => prefixOf(k.token)) as [string, string, string];
    await store.findByPrefix(p1);
    clock.now += 4_000;
    await store.findByPrefix(p2);
    clock.now += 1_500; // p1 expired, p2 not
    await store.findByPrefix(p3); // full: p1 goes
    expect(gated.reads).toBe(3);
    await store.findByPrefix(p2);
    await store.findByPrefix(p3);
    expect(gated.reads).toBe(3); // both still cached
    await store.findByPrefix(p1);
    expect(gated.reads).toBe(4); // p1 read again; the oldest (p2) made room
    await store.findByPrefix(p2);
    expect(gated.reads).toBe(5);
  });
});
