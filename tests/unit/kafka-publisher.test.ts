/**
 * KafkaPublisher's hand-over to the producer, against a recording producer (the broker round trips are
 * tests/integration/publisher.test.ts): a caller writing in a loop yields one turn each time a batch fills, so the
 * batch's request leaves while the next batch is encoded.
 */
import type { Producer } from 'kafkajs';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../adapters/logger.js';
import { KafkaPublisher } from '../../producers/publish/kafka-publisher.js';

function recordingProducer() {
  const sends: number[] = [];
  const producer = {
    async send(request: { messages: unknown[] }) {
      sends.push(request.messages.length);
      return [];
    },
  } as unknown as Producer;
  return { producer, sends };
}

function publisher(producer: Producer) {
  return new KafkaPublisher<number>({
    producer,
    topic: 't',
    brokers: [],
    encoder: { encode: (n) => Buffer.from(String(n)) },
    keyOf: (n) => String(n % 3),
    timestampOf: (n) => n,
    maxBatch: 100,
    maxBuffered: 10_000,
    logger: createLogger('silent'),
  });
}

describe('KafkaPublisher', () => {
  it('asks the caller to yield a turn when a batch fills, and the batch is sent before the next one fills', async () => {
    const { producer, sends } = recordingProducer();
    const p = publisher(producer);
    const turns: number[] = [];
    for (let n = 0; n < 350; n++) {
      const wait = p.write(n);
      if (wait === undefined) continue;
      turns.push(n);
      await wait;
      // The batch that just filled has been handed to the producer during the turn.
      expect(sends.length).toBe(turns.length);
    }
    expect(turns).toEqual([99, 199, 299]);
    await p.close();
    expect(sends).toEqual([100, 100, 100, 50]);
    expect(p.stats).toEqual({ acknowledged: 350, pending: 0 });
  });
});
