import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { createLogger } from '../../adapters/logger.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import type { SensorReading } from '../../core/events/types.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { freshKafkaEnv, topicRecordCount, uniqueName } from '../helpers/kafka.js';
import { waitFor } from '../helpers/wait.js';

describe('publishing library', () => {
  it('publishes every event, keyed by asset id, timestamped with event time, acknowledged', async () => {
    const { config } = await freshKafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    const publisher = await openPublisher('sensor-readings', config, createLogger('warn'), { maxBuffered: 500 });
    const start = Date.UTC(2026, 0, 5);
    const sim = new PlantSimulator(defaultPlant(), { seed: 11, start, end: start + 5 * 60_000, assets: 6 });
    const sent: SensorReading[] = [];
    for (let r = sim.next(); r !== null; r = sim.next()) {
      sent.push(r);
      const wait = publisher.write(r);
      if (wait) await wait;
    }
    await publisher.close();
    expect(publisher.stats).toEqual({ acknowledged: sent.length, pending: 0 });
    expect(await topicRecordCount(config, topic)).toBe(sent.length);

    const kafka = createKafkaClient(config, createLogger('error'), { clientIdSuffix: 'test' });
    const consumer = kafka.consumer({ groupId: uniqueName('test-group') });
    const codec = createEventCodec('sensor-reading', createRegistryClient(config));
    const seen: { key: string; timestamp: string; value: SensorReading }[] = [];
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({
      eachMessage: async ({ message }) => {
        seen.push({
          key: message.key!.toString(),
          timestamp: message.timestamp,
          value: await codec.decode(message.value!),
        });
      },
    });
    await waitFor(() => seen.length >= sent.length, { description: 'every published record', timeoutMs: 60_000 });
    await consumer.disconnect();
    expect(seen).toHaveLength(sent.length);
    for (const record of seen.slice(0, 200)) {
      expect(record.key).toBe(record.value.assetId);
      expect(Number(record.timestamp)).toBe(record.value.eventTime);
    }
    const byId = new Map(sent.map((r) => [`${r.eventId}/${r.seq}`, r]));
    for (const record of seen) expect(byId.has(`${record.value.eventId}/${record.value.seq}`)).toBe(true);
  });

  it('loses nothing acknowledged on Ctrl-C: records in Kafka = events reported', async () => {
    const { env, config } = await freshKafkaEnv();
    const topic = topicsFromConfig(config).sensorReadings.name;
    const child = spawn(
      process.execPath,
      ['bin/vigil.js', 'produce', 'plant', '--assets', '40', '--hz', '20', '--seed', '5'],
      { env: { ...process.env, ...env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let out = '';
    child.stdout.on('data', (chunk) => {
      out += chunk;
    });
    child.stderr.resume();
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await waitFor(async () => (await topicRecordCount(config, topic)) > 500, {
      description: 'the producer to publish',
      timeoutMs: 60_000,
    });
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    const reported = Number(/plant: (\d+) readings/.exec(out)?.[1]);
    expect(reported).toBeGreaterThan(500);
    expect(await topicRecordCount(config, topic)).toBe(reported);
  });
});
