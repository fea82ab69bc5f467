/**
 * `vigil audit-delivery` against the real broker, registry and ClickHouse engine: after a clean processor run
 * every record of the topic is accounted for (raw row, dead letter or re-send of a stored event id) and the
 * command exits 0; rows removed from ClickHouse are reported missing by partition and offset (exit 1); a row seen
 * twice by queries is reported duplicated (exit 1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import { createMetricsRegistry } from '../../adapters/metrics.js';
import { readCard } from '../../adapters/onnx/index.js';
import { assetTypes, defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import type { DeliveryAudit } from '../../delivery-audit/compare.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { directoryModelSource } from '../../stream-processors/live-models.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';

const logger = createLogger('silent');
let db: TestClickHouse;
beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db.close();
});

describe('vigil audit-delivery', () => {
  it('accounts for every record after a clean run, and reports rows removed or doubled', {
    timeout: 300_000,
  }, async () => {
    const { env, config } = await freshKafkaEnv({ ...db.env, VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384' });
    const topic = topicsFromConfig(config).sensorReadings.name;

    const publisher = await openPublisher('sensor-readings', config, logger);
    const start = Date.UTC(2026, 4, 4, 6);
    const end = start + 20 * 60_000;
    const sim = new PlantSimulator(defaultPlant(), { seed: 5, start, end, assets: 3 });
    for (let r = sim.next(); r !== null; r = sim.next()) {
      const wait = publisher.write(r);
      if (wait) await wait;
    }
    await publisher.close();
    const published = publisher.stats.acknowledged;
    // Two records that are not events at all: they must be accounted for as dead letters.
    const producer = createKafkaClient(config, logger).producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'P-1', value: Buffer.from('garbage'), timestamp: String(start + 1000) },
        { key: 'P-1', value: Buffer.from([0, 0, 0, 0, 1, 2]), timestamp: String(start + 2000) },
      ],
    });
    await producer.disconnect();

    const group = uniqueName('audit');
    const processor = new StreamProcessor({
      stream: 'sensors',
      config,
      logger,
      clickhouse: db.ch,
      metrics: createMetricsRegistry(),
      models: directoryModelSource('models', async (dir) => (await readCard(dir)).version),
      subjects: assetTypes(),
      groupId: group,
    });
    await processor.start();
    await waitCaughtUp(config, group, topic);
    await processor.stop();

    const range = [
      '--from',
      new Date(start - 3_600_000).toISOString(),
      '--to',
      new Date(end + 3_600_000).toISOString(),
    ];
    const clean = await runCli(['audit-delivery', ...range, '--json'], env);
    expect(clean.err).toBe('');
    expect(clean.code).toBe(0);
    const audit = JSON.parse(clean.out) as DeliveryAudit;
    expect(audit.totals.produced).toBe(published + 2);
    expect(audit.totals.missing).toBe(0);
    expect(audit.totals.duplicated).toBe(0);
    expect(audit.totals.deadLettered).toBeGreaterThanOrEqual(2);
    expect(audit.totals.stored + audit.totals.deadLettered + audit.totals.resent).toBe(audit.totals.produced);
    expect(audit.inferences.scoredEvents).toBeGreaterThan(0);

    // Lose two stored readings: the audit names them and fails.
    const victims = await db.ch.query<{ event_id: string; source_partition: number; source_offset: string }>(
      'SELECT event_id, source_partition, source_offset FROM sensor_readings FINAL WHERE source_topic = {topic:String} ORDER BY source_partition, source_offset LIMIT 2',
      { topic },
    );
    expect(victims).toHaveLength(2);
    await db.ch.command('DELETE FROM sensor_readings WHERE event_id IN {ids:Array(String)}', {
      ids: victims.map((v) => v.event_id),
    });
    const lossy = await runCli(['audit-delivery', ...range], env);
    expect(lossy.code).toBe(1);
    expect(lossy.err).toContain('VIGIL_RELIABILITY_AUDIT_FAILED');
    expect(lossy.out).toContain('missing:              2');
    for (const v of victims)
      expect(lossy.out).toContain(
        `missing: partition ${v.source_partition} offset ${v.source_offset} event ${v.event_id}`,
      );

    // Put them back, plus one of them again under another event time: queries would see that event twice.
    const [copy] = await db.ch.query<Record<string, unknown>>(
      `SELECT * EXCEPT (ingested_at) REPLACE (toUnixTimestamp64Milli(event_time) + 1 AS event_time)
         FROM sensor_readings FINAL WHERE source_topic = {topic:String}
        ORDER BY source_partition, source_offset LIMIT 1 OFFSET 5`,
      { topic },
    );
    await db.ch.insertRows('sensor_readings', [{ ...copy, event_time: Number(copy?.event_time) }]);
    const doubled = await runCli(['audit-delivery', ...range, '--json'], env);
    expect(doubled.code).toBe(1);
    const after = JSON.parse(doubled.out) as DeliveryAudit;
    expect(after.totals.duplicated).toBe(1);
  });

  it('refuses a range that ends before it starts (exit 2)', async () => {
    const run = await runCli(['audit-delivery', '--from', '2026-01-02', '--to', '2026-01-01']);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--to must be after --from');
  });
});
