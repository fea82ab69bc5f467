/**
 * Faults the pipeline must ride through, against the real broker, registry and ClickHouse engine, each bounded in
 * time (the CI-sized versions; tests/reliability/ has the long ones):
 * - ClickHouse down (every insert refused, a wrapper of the ClickHouse interface) for a while mid-run;
 * - the schema registry unreachable (a cuttable TCP proxy in front of the shared registry) exactly when records
 *   with a writer schema id the processor has never seen arrive (the codec's cold path);
 * - a rebalance storm: in-process instances of one group joining and leaving every few seconds while data flows.
 * After each: the delivery audit accounts for every record once, what queries see (raw rows, features,
 * inferences, alerts, dead letters by reason) equals a clean run over the same topic, and the pause metric showed
 * the pause. Figures go to stderr as `[reliability] ...` lines (docs/reliability.md).
 */
import avro from 'avsc';
import { afterEach, describe, expect, inject, it } from 'vitest';
import { clickhouseError } from '../../adapters/clickhouse/errors.js';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import { loadConfig } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { writeWireHeader } from '../../core/events/wire-format.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';
import {
  auditAll,
  CuttableProxy,
  fingerprint,
  publishPlant,
  type RunningProcessor,
  reportFigures,
  sensorProcessor,
  silent,
} from '../reliability/harness.js';

const opened: TestClickHouse[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  for (const db of opened.splice(0)) await db.close();
});

async function databases() {
  const reference = await openTestClickHouse();
  const faulted = await openTestClickHouse();
  opened.push(reference, faulted);
  return { reference, faulted };
}

/** How long each outage lasts at least, ms: short in CI, `npm run reliability` sets a minute. */
const OUTAGE_MS = Number(process.env.VIGIL_RELIABILITY_OUTAGE_MS ?? 0);

const processorEnv = { VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384', VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s' };

/** A clean, uninterrupted run over the same topic into `db`: what the faulted run must equal. */
async function referenceRun(config: Parameters<typeof sensorProcessor>[0], db: TestClickHouse) {
  const group = uniqueName('reference');
  const p = sensorProcessor(config, db.ch, group);
  await p.processor.start();
  await waitCaughtUp(config, group, topicsFromConfig(config).sensorReadings.name, 300_000);
  await p.processor.stop();
  return fingerprint(db.ch);
}

async function expectExactlyOnce(
  config: Parameters<typeof sensorProcessor>[0],
  dbs: { reference: TestClickHouse; faulted: TestClickHouse },
  produced: number,
) {
  const audit = await auditAll(config, dbs.faulted.ch);
  expect(audit.totals.produced).toBe(produced);
  expect(audit.totals.missing).toBe(0);
  expect(audit.totals.duplicated).toBe(0);
  const [expected, actual] = [await referenceRun(config, dbs.reference), await fingerprint(dbs.faulted.ch)];
  expect(Number(expected.inferences?.n)).toBeGreaterThan(0);
  expect(actual).toEqual(expected);
  return audit;
}

describe('faults', () => {
  it('ClickHouse down mid-run: the stream pauses, then resumes with nothing lost or doubled', {
    timeout: 600_000,
  }, async () => {
    const dbs = await databases();
    const { config } = await freshKafkaEnv({ ...dbs.faulted.env, ...processorEnv });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const run = await publishPlant(config, { minutes: 16, assets: 4, seed: 41 });

    let down = false;
    let refused = 0;
    const real = dbs.faulted.ch;
    const flaky: ClickHouse = {
      database: real.database,
      target: real.target,
      insertRows: async (table, rows) => {
        if (down && rows.length > 0) {
          refused += 1;
          throw clickhouseError('VIGIL_CLICKHOUSE_UNAVAILABLE', {
            target: 'test',
            operation: 'insert',
            reason: 'injected outage',
          });
        }
        return real.insertRows(table, rows);
      },
      query: (sql, params, options) => real.query(sql, params, options),
      command: (sql, params) => real.command(sql, params),
      ping: () => real.ping(),
      close: async () => {},
    };
    const group = uniqueName('ch-down');
    const p = sensorProcessor(config, flaky, group);
    await p.processor.start();
    cleanups.push(() => p.processor.stop());
    // Down once the stream is moving; up again after several refused batches.
    await waitFor(async () => Number((await real.query('SELECT count() AS n FROM sensor_readings'))[0]?.n) > 0, {
      description: 'the first rows',
      timeoutMs: 120_000,
    });
    down = true;
    const downAt = Date.now();
    await waitFor(async () => (await p.paused()) === 1 && refused >= 4 && Date.now() - downAt >= OUTAGE_MS, {
      description: 'the processor to pause on the outage',
      timeoutMs: 120_000 + OUTAGE_MS,
      intervalMs: 50,
    });
    down = false;
    const upAt = Date.now();
    await waitCaughtUp(config, group, topic, 300_000);
    const recoveredMs = Date.now() - upAt;
    expect(await p.paused()).toBe(0);
    const audit = await expectExactlyOnce(config, dbs, run.acknowledged);
    reportFigures('clickhouse-down', {
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      outageMs: upAt - downAt,
      refusedInserts: refused,
      recoveredMs,
    });
  });

  it('registry unreachable when an unseen writer schema arrives: waits, then decodes; no dead letter', {
    timeout: 600_000,
  }, async () => {
    const dbs = await databases();
    const realUrl = new URL(inject('schemaRegistryUrl'));
    const proxy = new CuttableProxy(realUrl.hostname, Number(realUrl.port));
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const proxiedUrl = `http://127.0.0.1:${proxy.port}${realUrl.pathname}`;
    const { env, config: direct } = await freshKafkaEnv({ ...dbs.faulted.env, ...processorEnv });
    const viaProxy = loadConfig({ ...env, SCHEMA_REGISTRY_URL: proxiedUrl });
    const topic = topicsFromConfig(direct).sensorReadings.name;

    const first = await publishPlant(direct, { minutes: 14, assets: 4, seed: 43 });
    const group = uniqueName('registry-down');
    const p = sensorProcessor(viaProxy, dbs.faulted.ch, group);
    await p.processor.start();
    cleanups.push(() => p.processor.stop());
    await waitCaughtUp(direct, group, topic, 300_000);

    // A producer upgraded to an evolved schema (a new optional field): a writer id the processor has never seen.
    const v1 = readSchemaFile('sensor-reading') as { fields: unknown[] };
    const v2 = { ...v1, fields: [...v1.fields, { name: 'gateway', type: 'string', default: '' }] };
    const v2Id = await createRegistryClient(direct).register(`${topic}-value`, 'sensor-reading', v2 as avro.Schema);
    const v2Type = avro.Type.forSchema(v2 as avro.Schema);
    const sim = new PlantSimulator(defaultPlant(), {
      seed: 44,
      start: first.end,
      end: first.end + 5 * 60_000,
      assets: 4,
    });
    const messages: { key: string; value: Buffer; timestamp: string }[] = [];
    for (let r: SensorReading | null = sim.next(); r !== null; r = sim.next()) {
      const body = v2Type.toBuffer({ ...r, quality: [...r.quality], gateway: 'gw-2' });
      const value = Buffer.alloc(5 + body.length);
      writeWireHeader(value, v2Id);
      body.copy(value, 5);
      messages.push({ key: r.assetId, value, timestamp: String(r.eventTime) });
    }
    proxy.down();
    const downAt = Date.now();
    const producer = createKafkaClient(direct, silent).producer();
    await producer.connect();
    for (let i = 0; i < messages.length; i += 500)
      await producer.send({ topic, acks: -1, messages: messages.slice(i, i + 500) });
    await producer.disconnect();
    await waitFor(async () => (await p.paused()) === 1 && proxy.refused >= 3 && Date.now() - downAt >= OUTAGE_MS, {
      description: 'the processor to pause while the registry is unreachable',
      timeoutMs: 120_000 + OUTAGE_MS,
      intervalMs: 50,
    });
    proxy.up();
    const upAt = Date.now();
    await waitCaughtUp(direct, group, topic, 300_000);
    const recoveredMs = Date.now() - upAt;
    expect(await p.paused()).toBe(0);
    const dead = await dbs.faulted.ch.query(
      "SELECT count() AS n FROM dead_letters FINAL WHERE reason IN ('UNKNOWN_SCHEMA', 'UNDECODABLE')",
    );
    expect(dead[0]?.n).toBe('0');
    const audit = await expectExactlyOnce(direct, dbs, first.acknowledged + messages.length);
    reportFigures('registry-down', {
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      outageMs: upAt - downAt,
      refusedConnections: proxy.refused,
      recoveredMs,
    });
  });

  it('rebalance storm: instances joining and leaving every few seconds while data flows', {
    timeout: 600_000,
  }, async () => {
    const dbs = await databases();
    const { config } = await freshKafkaEnv({ ...dbs.faulted.env, ...processorEnv });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const group = uniqueName('storm');
    const members: RunningProcessor[] = [];
    const join = async () => {
      const m = sensorProcessor(config, dbs.faulted.ch, group);
      await m.processor.start();
      members.push(m);
    };
    cleanups.push(async () => {
      for (const m of members.splice(0)) await m.processor.stop();
    });
    const publishing = publishPlant(config, { minutes: 16, assets: 4, seed: 47, ratePerSecond: 130 });
    await join();
    // A fixed script (join, join, leave, join, leave, leave, join ...) with a change every 3 s while publishing.
    const script = ['join', 'join', 'leave', 'join', 'leave', 'leave', 'join', 'join', 'leave', 'leave'];
    let changes = 0;
    for (const step of script) {
      const at = Date.now();
      await waitFor(() => Date.now() - at >= 3_000, { description: 'the next storm step', intervalMs: 100 });
      if (step === 'join') await join();
      else if (members.length > 1) await members.shift()!.processor.stop();
      changes += 1;
    }
    const run = await publishing;
    const calmAt = Date.now();
    await waitCaughtUp(config, group, topic, 300_000);
    const recoveredMs = Date.now() - calmAt;
    for (const m of members.splice(0)) await m.processor.stop();
    const audit = await expectExactlyOnce(config, dbs, run.acknowledged);
    reportFigures('rebalance-storm', {
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      membershipChanges: changes,
      recoveredMs,
    });
  });
});
