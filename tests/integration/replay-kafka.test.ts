/**
 * `vigil replay --source kafka` against the real components: the live processor scores 20 minutes of three
 * assets (with the simulator's NaN, late, duplicated and out-of-order readings, plus a NaN reading and bytes
 * that are no event); a replay of 4 of those minutes from the topic (through the CLI) gives the live features
 * bit for bit and the live scores within 1e-6, equals a replay from the raw tables, and skips exactly what the
 * stream dead-lettered before its pipeline. A run interrupted after a chunk stages again and resumes; a rerun
 * under the same run id duplicates nothing; no staging table outlives its pass. Orders stage and replay from
 * their topic too. Once the records before the range are deleted from the topic, the range is refused with
 * VIGIL_REPLAY_KAFKA_RETENTION; `--source foo` is a usage error. The processor, migrations and the CLI replay run
 * as child processes first; the test process opens the embedded ClickHouse only after them (chDB locks its
 * directory per process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { loadConfig } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { OrderSimulator } from '../../producers/orders/order-simulator.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { openModelRegistry } from '../../registry/index.js';
import { compareRuns, formatComparison, type Progress, type ReplaySummary, replayRange } from '../../replay/index.js';
import { runCli } from '../helpers/cli.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-replay-kafka-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MIN = 60_000;
const START = Date.UTC(2026, 2, 3, 6);
// Scores start once the 15-minute window spans 90% of its length: the range begins after that.
const FROM = START + 15 * MIN;
const TO = START + 19 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
const silent = createLogger('silent');

async function runRows(ch: ClickHouse, runId: string) {
  const [row] = await ch.query<Record<string, string>>(
    `SELECT (SELECT count() FROM features FINAL WHERE run_id = {r:String}) AS features,
            (SELECT uniqExact(key, event_id) FROM features FINAL WHERE run_id = {r:String}) AS feature_ids,
            (SELECT count() FROM inferences FINAL WHERE run_id = {r:String}) AS inferences,
            (SELECT uniqExact(event_id, model_name) FROM inferences FINAL WHERE run_id = {r:String}) AS inference_ids,
            (SELECT count() FROM alerts FINAL WHERE run_id = {r:String}) AS alerts`,
    { r: runId },
  );
  return row!;
}

async function stagingTables(ch: ClickHouse): Promise<string[]> {
  const rows = await ch.query<{ name: string }>(
    `SELECT name FROM system.tables
     WHERE database = currentDatabase() AND name LIKE 'replay\\_input\\_%' ORDER BY name`,
  );
  return rows.map((r) => r.name);
}

describe('vigil replay --source kafka', () => {
  it('replays from the topic like the live stream and the raw tables, reruns cleanly, refuses a range the topic lost', {
    timeout: 600_000,
  }, async () => {
    const { env, config: kafkaConfig } = await freshKafkaEnv({
      VIGIL_DATA_DIR: join(work, 'data'),
      CLICKHOUSE_DATABASE: 'replay_kafka_test',
      VIGIL_METRICS_PORT: '0',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
      VIGIL_REPLAY_CHUNK: '2m',
      VIGIL_REPLAY_WORKERS: '1',
    });
    const topic = topicsFromConfig(kafkaConfig).sensorReadings.name;

    // A usage error is refused before anything is opened.
    const bad = await runCli(
      ['replay', '--stream', 'sensors', '--from', iso(FROM), '--to', iso(TO), '--source', 'foo'],
      env,
    );
    expect(bad.code, bad.err).toBe(2);
    expect(bad.err).toMatch(/--source must be clickhouse or kafka/);

    const publisher = await openPublisher('sensor-readings', kafkaConfig, silent);
    const sim = new PlantSimulator(defaultPlant(), { seed: 11, start: START, end: START + 20 * MIN, assets: 3 });
    let broken = false;
    for (let r = sim.next(); r !== null; r = sim.next()) {
      const wait = publisher.write(r);
      if (wait) await wait;
      if (!broken && r.eventTime >= FROM + MIN) {
        // A reading the contract refuses (NaN), inside the range: the stream dead-letters it, staging skips it.
        const [channel] = Object.keys(r.channels);
        const nan = publisher.write({
          ...r,
          eventId: `${r.eventId}-nan`,
          channels: { ...r.channels, [channel!]: NaN },
        });
        if (nan) await nan;
        broken = true;
      }
    }
    await publisher.close();
    // And bytes that are no event at all.
    const producer = createKafkaClient(kafkaConfig, silent, { clientIdSuffix: 'replay-kafka-test' }).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [{ key: 'P-101', value: Buffer.from('not avro'), timestamp: String(FROM) }],
    });
    await producer.disconnect();
    expect(publisher.stats.acknowledged).toBeGreaterThan(3000);

    const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], env);
    expect(await exitOf(migrate), migrate.output()).toBe(0);
    const group = uniqueName('replay-kafka-live');
    const live = spawnVigil(['process', '--stream', 'sensors', '--group', group], env);
    // A processor that stops on an error fails the test at once, with its output.
    const exited = exitOf(live).then((code) => {
      throw new Error(`the processor exited (${code}) before catching up:\n${live.output().slice(-4000)}`);
    });
    await Promise.race([waitCaughtUp(kafkaConfig, group, topic, 300_000), exited]);
    exited.catch(() => {});
    live.kill('SIGTERM');
    expect(await exitOf(live), live.output()).toBe(0);

    // The kafka run through the CLI (a child process: it owns the embedded ClickHouse while it runs).
    const cli = spawnVigil(
      ['replay', '--stream', 'sensors', '--from', iso(FROM), '--to', iso(TO), '--source', 'kafka'].concat([
        '--run-id',
        'from-kafka',
        '--json',
      ]),
      env,
    );
    expect(await exitOf(cli), cli.output()).toBe(0);
    const summaryLine = cli
      .output()
      .split('\n')
      .find((line) => line.startsWith('{"runId":"from-kafka"'));
    expect(summaryLine, cli.output()).toBeDefined();
    const fromKafka = JSON.parse(summaryLine!) as ReplaySummary;

    const config = loadConfig(env);
    const ch = await createClickHouse(config, silent);
    const kafka = createKafkaClient(config, silent, { clientIdSuffix: 'replay-kafka-test' });
    try {
      const schemaRegistry = createRegistryClient(config);
      const registry = openModelRegistry({ ch, kafka, schemaRegistry, config, logger: silent });
      const deps = { ch, config, logger: silent, registry, kafka, schemaRegistry };
      const range = { stream: 'sensors' as const, from: FROM, to: TO };

      const fromClickHouse = await replayRange({ ...range, runId: 'from-clickhouse' }, deps);
      expect(fromKafka.events).toBeGreaterThan(500);
      expect(fromKafka.events).toBe(fromClickHouse.events);
      expect(fromKafka.keySlices).toBe(fromClickHouse.keySlices);
      expect(fromKafka.exactKeySlices).toBe(fromKafka.keySlices);

      // Staging skipped exactly what the stream dead-lettered before its pipeline (LATE is the pipeline's).
      const dead = await ch.query<{ reason: string; n: string }>(
        `SELECT reason, count() AS n FROM dead_letters FINAL
         WHERE source_topic = {topic:String} AND reason != 'LATE' GROUP BY reason ORDER BY reason`,
        { topic },
      );
      process.stderr.write(`[replay-kafka test] staging ${JSON.stringify(fromKafka.staging)}\n`);
      expect(fromKafka.staging?.topic).toBe(topic);
      expect(fromKafka.staging?.read).toBe(publisher.stats.acknowledged + 1);
      expect(fromKafka.staging?.skipped).toEqual(Object.fromEntries(dead.map((d) => [d.reason, Number(d.n)])));
      expect(fromKafka.staging?.skipped).toMatchObject({ NAN_VALUE: expect.any(Number), UNDECODABLE: 1 });

      const parity = await compareRuns(ch, 'from-kafka', 'live');
      process.stderr.write(`[replay-kafka test] kafka vs live\n${formatComparison(parity)}`);
      expect(parity.a.features).toBe(parity.b.features);
      expect(parity.features.matched).toBe(parity.a.features);
      expect(parity.features.identical).toBe(parity.features.matched);
      expect(parity.scores.matched).toBe(parity.b.inferences);
      expect(parity.scores.matched).toBeGreaterThan(0);
      expect(parity.scores.onlyA + parity.scores.onlyB).toBe(0);
      expect(parity.scores.maxAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(parity.alertsOnlyA.count + parity.alertsOnlyB.count).toBe(0);

      const sources = await compareRuns(ch, 'from-kafka', 'from-clickhouse');
      expect(sources.a.features).toBe(sources.b.features);
      expect(sources.features.identical).toBe(sources.b.features);
      expect(sources.a.inferences).toBe(sources.b.inferences);
      expect(sources.scores.maxAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(sources.a.alerts).toBe(sources.b.alerts);

      // Interrupted after its first chunk, the pass drops its staging table; run again, it stages again, resumes
      // from the checkpoints and equals the run from the raw tables (other chunks: 30 s).
      const small = { ...config, replay: { ...config.replay, chunkMs: 30_000 } };
      const stop = new AbortController();
      const onProgress = (p: Progress) => {
        if (p.doneChunks >= 1) stop.abort();
      };
      const resumable = { ...range, runId: 'resumed', source: 'kafka' as const };
      const interrupted = await replayRange(resumable, {
        ...deps,
        config: small,
        signal: stop.signal,
        onProgress,
      }).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isVigilError(interrupted, 'VIGIL_REPLAY_INTERRUPTED'), String(interrupted)).toBe(true);
      expect(await stagingTables(ch)).toEqual([]);
      const resumed = await replayRange(resumable, { ...deps, config: small });
      expect(resumed.skippedChunks).toBeGreaterThanOrEqual(1);
      expect(resumed.skippedChunks).toBeLessThan(resumed.chunks);
      const resumedVsClickHouse = await compareRuns(ch, 'resumed', 'from-clickhouse');
      expect(resumedVsClickHouse.a.features).toBe(resumedVsClickHouse.b.features);
      expect(resumedVsClickHouse.features.identical).toBe(resumedVsClickHouse.b.features);
      expect(resumedVsClickHouse.a.inferences).toBe(resumedVsClickHouse.b.inferences);
      expect(resumedVsClickHouse.scores.maxAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(resumedVsClickHouse.alertsOnlyA.count + resumedVsClickHouse.alertsOnlyB.count).toBe(0);

      // The same run id again restages and replaces: nothing doubles, no staging table is left.
      const before = await runRows(ch, 'from-kafka');
      expect(before.features).toBe(before.feature_ids);
      const again = await replayRange({ ...range, runId: 'from-kafka', source: 'kafka' }, deps);
      expect(again.skippedChunks).toBe(0);
      expect(await runRows(ch, 'from-kafka')).toEqual(before);
      expect(before.inferences).toBe(before.inference_ids);
      expect(await stagingTables(ch)).toEqual([]);

      // The orders stream stages through its own table layout and contract checks.
      const orderPublisher = await openPublisher('orders', kafkaConfig, silent);
      const orders = new OrderSimulator({ seed: 3, start: START, end: START + 20 * MIN, stores: 2 });
      for (let order = orders.next(); order !== null; order = orders.next()) {
        const wait = orderPublisher.write(order);
        if (wait) await wait;
      }
      await orderPublisher.close();
      const orderRun = await replayRange(
        { stream: 'orders', from: FROM, to: TO, runId: 'orders-from-kafka', source: 'kafka' },
        deps,
      );
      expect(orderRun.staging?.read).toBe(orderPublisher.stats.acknowledged);
      expect(orderRun.events).toBeGreaterThan(0);
      expect(orderRun.features).toBe(orderRun.events);

      // Records up to a minute into the range deleted (as retention would): the range is refused.
      const admin = kafka.admin();
      await admin.connect();
      try {
        const cut = await admin.fetchTopicOffsetsByTimestamp(topic, FROM + MIN);
        await admin.deleteTopicRecords({ topic, partitions: cut.filter((p) => Number(p.offset) > 0) });
      } finally {
        await admin.disconnect();
      }
      const refused = await replayRange({ ...range, runId: 'gone', source: 'kafka' }, deps).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(isVigilError(refused, 'VIGIL_REPLAY_KAFKA_RETENTION'), String(refused)).toBe(true);
      expect(String((refused as Error).message)).toMatch(/--source clickhouse/);
      expect(await stagingTables(ch)).toEqual([]);
    } finally {
      await ch.close();
    }
  });
});
