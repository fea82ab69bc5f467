/**
 * The stream processor in-process against the real broker, registry and ClickHouse engine: poison pills go to
 * the dead letters with the right reason while the stream goes on; a model with the wrong contract is refused;
 * a ClickHouse outage pauses the stream without loss, duplicates or dead letters; two instances sharing the
 * partitions through a rebalance give the rows of one instance alone; a non-transient sink failure stops the
 * processor (reported once) and a restart completes the topic without loss.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { clickhouseError } from '../../adapters/clickhouse/errors.js';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { readCard } from '../../adapters/onnx/index.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { readSchemaFile } from '../../adapters/registry/schema-files.js';
import type { Config } from '../../core/config/index.js';
import type { Inference, SensorReading } from '../../core/events/types.js';
import { assetTypes, defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { directoryModelSource, type ModelSource } from '../../stream-processors/live-models.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { loggerShownOnFailure } from '../helpers/logs.js';
import { waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';

// Each test's records, printed if it fails (a timeout in CI would otherwise leave nothing to read).
let logger = createLogger('silent');
const committedModels: ModelSource = directoryModelSource('models', async (dir) => {
  try {
    return (await readCard(dir)).version;
  } catch {
    return undefined;
  }
});

let db: TestClickHouse;
beforeAll(async () => {
  db = await openTestClickHouse();
});
beforeEach((context) => {
  logger = loggerShownOnFailure(context);
});
afterAll(async () => {
  await db.close();
});

async function kafkaEnv(): Promise<Config> {
  const { config } = await freshKafkaEnv({
    ...db.env,
    VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
    VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
  });
  return config;
}

function processor(
  config: Config,
  clickhouse: ClickHouse,
  groupId: string,
  models = committedModels,
  metrics = createMetricsRegistry(),
) {
  return new StreamProcessor({
    stream: 'sensors',
    config,
    logger,
    clickhouse,
    metrics,
    models,
    subjects: assetTypes(),
    groupId,
  });
}

async function publishPlant(config: Config, minutes: number, seed: number): Promise<SensorReading[]> {
  const publisher = await openPublisher('sensor-readings', config, logger);
  const start = Date.UTC(2026, 3, 6, 7);
  const sim = new PlantSimulator(defaultPlant(), { seed, start, end: start + minutes * 60_000, assets: 4 });
  const sent: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) {
    sent.push(r);
    const wait = publisher.write(r);
    if (wait) await wait;
  }
  await publisher.close();
  return sent;
}

/** The test database with its inserts going through `insertRows` (which may fail on purpose). */
function withInserts(insertRows: ClickHouse['insertRows']): ClickHouse {
  return {
    ...db.ch,
    database: db.ch.database,
    target: db.ch.target,
    insertRows,
    query: (sql, params, options) => db.ch.query(sql, params, options),
    command: (sql, params) => db.ch.command(sql, params),
    ping: () => db.ch.ping(),
    close: async () => {},
  };
}

/** Stored readings + dead letters of `topic` equal the distinct readings sent: nothing lost or doubled. */
async function expectEveryReadingOnce(topic: string, sent: readonly SensorReading[]) {
  const [readings] = await rowsOf(
    'SELECT count() AS n, uniqExact(event_id) AS ids FROM sensor_readings FINAL WHERE source_topic = {topic:String}',
    { topic },
  );
  expect(readings?.n).toBe(readings?.ids);
  // Every distinct reading the simulator sent is there, except NaN ones and those later than the lateness.
  const [lateOrNan] = await rowsOf('SELECT count() AS n FROM dead_letters FINAL WHERE source_topic = {topic:String}', {
    topic,
  });
  expect(Number(readings?.n) + Number(lateOrNan?.n)).toBe(new Set(sent.map((r) => r.eventId)).size);
}

async function rowsOf(sql: string, params: Record<string, unknown> = {}) {
  return db.ch.query(sql, params, { maxRows: 100_000 });
}

describe('stream processor', () => {
  it('dead-letters every kind of poison pill with its reason, and the stream goes on', async () => {
    const config = await kafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    const registry = createRegistryClient(config);
    const schemaId = await registry.lookupId(`${topic}-value`, 'sensor-reading', readSchemaFile('sensor-reading'));
    const codec = createEventCodec('sensor-reading', registry, { schemaId, validateOnEncode: false });
    const now = Date.now();
    const good = (n: number, channels: Record<string, number> = {}, eventTime = now + n): SensorReading => ({
      eventId: uniqueName(`poison-${n}`),
      assetId: 'P-900',
      assetType: 'pump',
      site: 'north',
      line: 'water',
      eventTime,
      seq: n,
      channels: {
        speed: 2950,
        motor_current: 50,
        discharge_pressure: 6,
        flow: 150,
        bearing_temp: 60,
        vibration_rms: 2,
        ...channels,
      },
      quality: [],
    });
    const missing = good(5);
    delete (missing.channels as Record<string, number>).flow;
    const unknownSchema = Buffer.from(codec.encode(good(6)));
    unknownSchema.writeInt32BE(987_654_321, 1);
    const pills: [string, Buffer][] = [
      ['UNDECODABLE', Buffer.from('not avro at all')],
      ['UNKNOWN_SCHEMA', unknownSchema],
      ['NAN_VALUE', codec.encode(good(2, { flow: Number.NaN }))],
      ['OUT_OF_RANGE', codec.encode(good(3, { vibration_rms: 1e6 }))],
      ['MISSING_CHANNEL', codec.encode(missing)],
      ['ABSURD_TIMESTAMP', codec.encode(good(4, {}, Date.UTC(1990, 0, 1)))],
    ];
    const producer = createKafkaClient(config, logger).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: 'P-900', value: codec.encode(good(0)) }] });
    await producer.send({ topic, messages: pills.map(([, value]) => ({ key: 'P-900', value })) });
    await producer.send({ topic, messages: [{ key: 'P-900', value: codec.encode(good(7)) }] });
    await producer.disconnect();

    const group = uniqueName('poison');
    const p = processor(config, db.ch, group);
    await p.start();
    await waitCaughtUp(config, group, topic);
    await p.stop();

    const dead = await rowsOf(
      'SELECT reason, base64Encode(record_value) AS value FROM dead_letters FINAL WHERE source_topic = {topic:String} ORDER BY source_offset',
      { topic },
    );
    expect(dead.map((d) => d.reason)).toEqual(pills.map(([reason]) => reason));
    expect(dead.map((d) => d.value)).toEqual(pills.map(([, value]) => value.toString('base64')));
    const accepted = await rowsOf(
      'SELECT seq FROM sensor_readings FINAL WHERE source_topic = {topic:String} ORDER BY seq',
      {
        topic,
      },
    );
    expect(accepted.map((r) => Number(r.seq))).toEqual([0, 7]);
  });

  it('registers an undeclared asset type from its first reading and computes its features', async () => {
    const config = await kafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    const publisher = await openPublisher('sensor-readings', config, logger);
    const start = Date.UTC(2026, 3, 7, 8);
    for (let i = 0; i < 120; i++) {
      await publisher.write({
        eventId: `gearbox-${i}`,
        assetId: 'GB-1',
        assetType: 'gearbox',
        site: 'imported',
        line: 'imported',
        eventTime: start + i * 1000,
        seq: i,
        channels: { torque: 100 + (i % 7), oil_temp: 55 + i / 100 },
        quality: [],
      });
    }
    await publisher.close();
    const group = uniqueName('gearbox');
    const p = processor(config, db.ch, group);
    await p.start();
    await waitCaughtUp(config, group, topic);
    await p.stop();
    const [types] = await rowsOf("SELECT channels FROM asset_types FINAL WHERE asset_type = 'gearbox'");
    expect(types?.channels).toEqual(['oil_temp', 'torque']);
    const [features] = await rowsOf(
      "SELECT count() AS n, any(feature_set) AS set FROM features FINAL WHERE key = 'GB-1'",
    );
    expect(features).toEqual({ n: '120', set: 'sensors.gearbox' });
    const [dead] = await rowsOf('SELECT count() AS n FROM dead_letters FINAL WHERE source_topic = {topic:String}', {
      topic,
    });
    expect(dead?.n).toBe('0');
  });

  it('publishes each inference as a record that decodes to its stored row, the features of anomalies only', async () => {
    const config = await kafkaEnv();
    const topics = topicsFromConfig(config);
    // 16 minutes: past the 15-minute window's warm-up, so the committed models score.
    await publishPlant(config, 16, 61);
    const group = uniqueName('records');
    // Every score of the assets whose id ends in 1 is an anomaly: both kinds of record are published.
    const loud = (key: string) => key.endsWith('1');
    const p = new StreamProcessor({
      stream: 'sensors',
      config,
      logger,
      clickhouse: db.ch,
      metrics: createMetricsRegistry(),
      models: committedModels,
      subjects: assetTypes(),
      groupId: group,
      alertRules: {
        thresholdFor: (_subject, key, threshold) => (loud(key) ? -1e9 : threshold),
        suppressedAt: () => false,
        beforeBatch: () => undefined,
        idle: async () => {},
      },
    });
    await p.start();
    await waitCaughtUp(config, group, topics.sensorReadings.name);
    await p.stop();

    const stored = await rowsOf(
      `SELECT i.inference_id AS id, i.score AS score, i.model_version AS version, i.anomaly AS anomaly,
              f.vector AS vector, s.names AS names
         FROM inferences AS i FINAL
         JOIN features AS f FINAL ON f.event_id = i.event_id AND f.key = i.key
         JOIN feature_sets AS s FINAL ON s.feature_set = f.feature_set AND s.feature_set_version = f.feature_set_version
        WHERE i.source_topic = {topic:String}`,
      { topic: topics.sensorReadings.name },
    );
    expect(stored.length).toBeGreaterThan(100);
    const codec = createEventCodec('inference', createRegistryClient(config));
    const decoded = new Map<string, Inference>();
    const consumer = createKafkaClient(config, logger).consumer({ groupId: uniqueName('read-inferences') });
    await consumer.connect();
    await consumer.subscribe({ topic: topics.inferences.name, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        const record = (await codec.decode(message.value!)) as Inference;
        decoded.set(record.inferenceId, record);
      },
    });
    await waitFor(async () => decoded.size >= stored.length, { description: 'every inference record read' });
    await consumer.disconnect();
    expect(decoded.size).toBe(stored.length);
    const anomalies = stored.filter((row) => row.anomaly === true);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies.length).toBeLessThan(stored.length);
    for (const row of stored) {
      const record = decoded.get(String(row.id))!;
      expect([record.score, record.modelVersion, record.anomaly]).toEqual([
        Number(row.score),
        row.version,
        row.anomaly,
      ]);
      // VIGIL_PROCESSOR_INFERENCE_FEATURES's default: the vector travels with anomalies; ClickHouse has them all.
      if (row.anomaly) {
        expect(Object.keys(record.features)).toEqual(row.names);
        expect(Object.values(record.features)).toEqual((row.vector as unknown[]).map(Number));
      } else {
        expect(record.features).toEqual({});
      }
    }
  });

  it('refuses a model whose contract does not match its feature set and scores nothing with it', async () => {
    const config = await kafkaEnv();
    const wrong: ModelSource = {
      // A real model trained on another feature set (tests/fixtures): its card's feature set differs from pumps'.
      locate: async (name) =>
        name === 'sensors-pump'
          ? { production: { version: 'fixture', dir: 'tests/fixtures/models/sensors-pump-pca' } }
          : {},
    };
    const p = processor(config, db.ch, uniqueName('contract'), wrong);
    await p.models.loadAll(['pump']);
    expect(p.models.modelsFor('pump')).toEqual([]);
    await p.models.close();
  });

  it('pauses through a ClickHouse outage and resumes: nothing lost, doubled, dead-lettered or rebalanced', async () => {
    const config = await kafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    // More readings than the processor holds unwritten (10 000): its batches block behind the sink, kafkajs stops
    // fetching, and only the processor's own heartbeats keep it in the group through the outage.
    const sent = await publishPlant(config, 45, 31);
    expect(sent.length).toBeGreaterThan(10_000);
    // A pause of 18-36 s, its last delays of 5-10 s each: longer than the session timeout (6 s) between attempts.
    let failuresLeft = 8;
    const flaky = withInserts(async (table, rows) => {
      if (rows.length > 0 && failuresLeft > 0) {
        failuresLeft--;
        throw clickhouseError('VIGIL_CLICKHOUSE_UNAVAILABLE', {
          target: 'test',
          operation: 'insert',
          reason: 'injected outage',
        });
      }
      return db.ch.insertRows(table, rows);
    });
    const group = uniqueName('outage');
    const metrics = createMetricsRegistry();
    const p = processor(config, flaky, group, committedModels, metrics);
    await p.start();
    await waitCaughtUp(config, group, topic);
    await p.stop();
    expect(failuresLeft).toBe(0);
    const joins = await metrics.getSingleMetric('vigil_processor_group_joins_total')?.get();
    expect(joins?.values.map((v) => v.value)).toEqual([1]); // never dropped from the group
    const [dead] = await rowsOf(
      "SELECT countIf(reason NOT IN ('LATE', 'NAN_VALUE')) AS transient FROM dead_letters FINAL WHERE source_topic = {topic:String}",
      { topic },
    );
    expect(Number(dead?.transient)).toBe(0);
    await expectEveryReadingOnce(topic, sent);
  });

  it('stops on a non-transient sink failure, reports it once, and a restart loses nothing', async () => {
    const config = await kafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    const sent = await publishPlant(config, 6, 51);
    const refused = clickhouseError('VIGIL_CLICKHOUSE_QUERY_FAILED', {
      operation: 'insert',
      type: 'UNKNOWN_TABLE',
      reason: 'injected',
    });
    let featureWrites = 0;
    const broken = withInserts(async (table, rows) => {
      // The second group write fails: the first is durable and committed, the batches behind it are not.
      if (table === 'features' && rows.length > 0 && ++featureWrites >= 2) throw refused;
      return db.ch.insertRows(table, rows);
    });
    const group = uniqueName('fatal');
    const fatal: unknown[] = [];
    const failing = new StreamProcessor({
      stream: 'sensors',
      config,
      logger,
      clickhouse: broken,
      metrics: createMetricsRegistry(),
      models: committedModels,
      subjects: assetTypes(),
      groupId: group,
      onFatal: (error) => fatal.push(error),
    });
    await failing.start();
    await waitFor(() => fatal.length > 0, { timeoutMs: 50_000, description: 'the processor to report the failure' });
    await failing.stop();
    expect(fatal).toEqual([refused]);
    expect(featureWrites).toBe(2); // nothing written after the failure

    // Whatever was committed before the failure was durable: a healthy restart completes the topic exactly once.
    const healthy = processor(config, db.ch, group);
    await healthy.start();
    await waitCaughtUp(config, group, topic, 60_000);
    await healthy.stop();
    await expectEveryReadingOnce(topic, sent);
  });

  it('gives the same rows with two instances and a rebalance as with one', async () => {
    const config = await kafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    await publishPlant(config, 16, 41);
    const fingerprint = async (runTopic: string) =>
      rowsOf(
        `SELECT count() AS n, sum(cityHash64(event_id, toString(vector))) AS h FROM features FINAL
         WHERE event_id IN (SELECT event_id FROM sensor_readings FINAL WHERE source_topic = {topic:String})`,
        { topic: runTopic },
      );
    // Reference: one instance, its own database.
    const reference = await openTestClickHouse();
    const referenceGroup = uniqueName('single');
    const single = processor(config, reference.ch, referenceGroup);
    await single.start();
    await waitCaughtUp(config, referenceGroup, topic, 50_000);
    await single.stop();
    const expected = await reference.ch.query(
      'SELECT count() AS n, sum(cityHash64(event_id, toString(vector))) AS h FROM features FINAL',
    );
    await reference.close();

    const group = uniqueName('pair');
    const first = processor(config, db.ch, group);
    const second = processor(config, db.ch, group);
    await first.start();
    await second.start(); // joins mid-stream: the group rebalances, partitions move with their state rebuilt
    await waitCaughtUp(config, group, topic, 60_000);
    await first.stop();
    await second.stop();
    expect(await fingerprint(topic)).toEqual(expected);
  });
});
