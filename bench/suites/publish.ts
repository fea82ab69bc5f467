/**
 * Vigil's publishing library against bare kafkajs on the same events: the publisher encodes, buffers, batches
 * (1000 per send, one in flight, idempotent, acks=all) and waits for every ack; the bare run sends the already
 * encoded messages with sendBatch of 1000, the same producer settings. Connection set-up is outside both timings.
 */
import type { Message } from 'kafkajs';
import type { Logger } from '../../adapters/logger.js';
import type { Config } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { topicsFromConfig } from '../../core/topics.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { bareProducer, sendBatches } from '../lib/dataset.js';

export async function publisherRate(
  config: Config,
  logger: Logger,
  readings: readonly SensorReading[],
): Promise<number> {
  const publisher = await openPublisher('sensor-readings', config, logger);
  try {
    const started = performance.now();
    for (const r of readings) {
      const wait = publisher.write(r);
      if (wait) await wait;
    }
    await publisher.flush();
    const seconds = (performance.now() - started) / 1000;
    if (publisher.stats.acknowledged !== readings.length) {
      throw new Error(`publisher acknowledged ${publisher.stats.acknowledged} of ${readings.length}`);
    }
    return readings.length / seconds;
  } finally {
    await publisher.close();
  }
}

export async function bareSendBatchRate(config: Config, logger: Logger, messages: readonly Message[]): Promise<number> {
  const topic = topicsFromConfig(config).sensorReadings.name;
  const producer = await bareProducer(config, logger);
  try {
    const started = performance.now();
    await sendBatches(producer, topic, messages);
    return messages.length / ((performance.now() - started) / 1000);
  } finally {
    await producer.disconnect();
  }
}
