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

/** A producer that, like kafkajs, takes a few microtasks to build and write a request, acknowledged on demand. */
function slowWritingProducer() {
  const written: number[] = [];
  const acks: (() => void)[] = [];
  const producer = {
    async send(request: { messages: unknown[] }) {
      for (let i = 0; i < 20; i++) await null;
      written.push(request.messages.length);
      await new Promise<void>((resolve) => acks.push(resolve));
      return [];
    },
  } as unknown as Producer;
  return { producer, written, acks };
}

function publisher(producer: Producer, maxBuffered = 10_000) {
  return new KafkaPublisher<number>({
    producer,
    topic: 't',
    brokers: [],
    encoder: { encode: (n) => Buffer.from(String(n)) },
    keyOf: (n) => String(n % 3),
    timestampOf: (n) => n,
    maxBatch: 100,
    maxBuffered,
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

  it('wakes a writer held by a full buffer only once the next batch has been written out', async () => {
    const { producer, written, acks } = slowWritingProducer();
    const p = publisher(producer, 300);
    let wait: Promise<void> | undefined;
    for (let n = 0; n < 300; n++) {
      await wait;
      wait = p.write(n);
    }
    // 300 accepted, the first batch written and unacknowledged: the writer waits for space.
    expect(wait).toBeDefined();
    await new Promise((resolve) => setImmediate(resolve));
    expect(written).toEqual([100]);
    acks.shift()!();
    await wait;
    // Had the writer been woken first, it would encode its next events ahead of this request.
    expect(written).toEqual([100, 100]);
    for (const ack of acks.splice(0)) ack();
    const closing = p.close();
    const ackAll = setInterval(() => {
      for (const ack of acks.splice(0)) ack();
    }, 1);
    await closing;
    clearInterval(ackAll);
    expect(p.stats).toEqual({ acknowledged: 300, pending: 0 });
  });
});
