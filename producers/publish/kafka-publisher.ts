/**
 * The publishing library every producer uses (the simulators, the file importer, the API's ingest route):
 * Avro in the Confluent wire format, key = the event's key (asset or store id), record timestamp = event time,
 * an idempotent producer with acks from all in-sync replicas, batching behind a bounded buffer with backpressure,
 * retries by kind of error, and a flush that resolves only when every accepted event is acknowledged.
 *
 * One batch is in flight at a time (idempotent producer, ordered per partition); while it is in flight the next
 * one fills. `write` returns a promise only when the caller should wait (the buffer is full) or yield a turn (a
 * batch just filled), so the fast path costs no promise per event.
 */
import { CompressionTypes, type Message, type Producer } from 'kafkajs';
import { toKafkaError } from '../../adapters/kafka/kafka-errors.js';
import type { Logger } from '../../adapters/logger.js';
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from '../../core/retry.js';
import type { EventSink } from '../sinks/event-sink.js';
import type { PublisherMetrics } from './metrics.js';

export interface EventEncoder<E> {
  encode(event: E): Buffer;
}

export type Compression = 'none' | 'gzip';

export interface KafkaPublisherOptions<E> {
  readonly producer: Producer;
  readonly topic: string;
  readonly brokers: readonly string[];
  readonly encoder: EventEncoder<E>;
  readonly keyOf: (event: E) => string;
  readonly timestampOf: (event: E) => number;
  /** Events per sendBatch call (default 1000). */
  readonly maxBatch?: number;
  /** How long a partial batch may wait for more events, ms (default 5, the Java producer's linger.ms since Kafka 4.0). */
  readonly lingerMs?: number;
  /** Accepted but unacknowledged events beyond which `write` makes the caller wait (default 20 000). */
  readonly maxBuffered?: number;
  readonly compression?: Compression;
  readonly retry?: RetryPolicy;
  readonly metrics?: PublisherMetrics;
  readonly logger: Logger;
  /** Runs after the final flush of `close` (e.g. disconnecting the producer this publisher owns). */
  readonly onClose?: () => Promise<void>;
}

export interface PublisherStats {
  /** Events the brokers acknowledged. */
  readonly acknowledged: number;
  /** Events accepted by `write` and not yet acknowledged. */
  readonly pending: number;
}

export class KafkaPublisher<E> implements EventSink<E> {
  readonly #o: Required<Omit<KafkaPublisherOptions<E>, 'metrics' | 'onClose'>> &
    Pick<KafkaPublisherOptions<E>, 'metrics' | 'onClose'>;
  #buffer: Message[] = [];
  #inFlight: Promise<void> | undefined;
  #lingerTimer: NodeJS.Timeout | undefined;
  #acknowledged = 0;
  #pending = 0;
  #failure: unknown;
  #closed = false;
  #spaceWaiters: (() => void)[] = [];
  #drainWaiters: { resolve: () => void; reject: (e: unknown) => void }[] = [];

  constructor(options: KafkaPublisherOptions<E>) {
    this.#o = {
      maxBatch: 1000,
      lingerMs: 5,
      maxBuffered: 20_000,
      compression: 'none',
      retry: { ...DEFAULT_RETRY, maxAttempts: 10 },
      ...options,
    };
  }

  get stats(): PublisherStats {
    return { acknowledged: this.#acknowledged, pending: this.#pending };
  }

  write(event: E): undefined | Promise<void> {
    if (this.#failure !== undefined) throw this.#failure;
    if (this.#closed) throw new Error('publisher is closed');
    // Encoding first: an event that does not fit the schema is refused here, before it takes buffer space.
    const value = this.#o.encoder.encode(event);
    this.#buffer.push({
      key: this.#o.keyOf(event),
      value,
      timestamp: String(this.#o.timestampOf(event)),
    });
    this.#pending++;
    this.#o.metrics?.buffered.inc({ topic: this.#o.topic });
    const full = this.#buffer.length >= this.#o.maxBatch;
    if (full) this.#pump();
    else this.#lingerTimer ??= setTimeout(() => this.#pump(), this.#o.lingerMs);
    if (this.#pending >= this.#o.maxBuffered) return new Promise((resolve) => this.#spaceWaiters.push(resolve));
    // A batch just filled: the caller yields one turn, so that its request reaches the broker (or an earlier one's
    // acknowledgement is read and the batch follows) while the next batch is encoded. Without the turn, a caller
    // writing in a loop encoded the whole buffer (20 000 events) before the first request left.
    if (full && this.#buffer.length % this.#o.maxBatch === 0) return new Promise((resolve) => setImmediate(resolve));
    return undefined;
  }

  /** Resolves when every event accepted so far is acknowledged; rejects with the send failure otherwise. */
  flush(): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    if (this.#pending === 0) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => this.#drainWaiters.push({ resolve, reject }));
    this.#pump();
    return done;
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    try {
      await this.flush();
    } finally {
      this.#closed = true;
      clearTimeout(this.#lingerTimer);
      await this.#o.onClose?.();
    }
  }

  #pump(): void {
    clearTimeout(this.#lingerTimer);
    this.#lingerTimer = undefined;
    if (this.#inFlight !== undefined || this.#buffer.length === 0 || this.#failure !== undefined) return;
    const batch = this.#buffer.splice(0, this.#o.maxBatch);
    this.#inFlight = this.#send(batch).then(
      () => {
        this.#inFlight = undefined;
        this.#settle(batch.length);
        if (this.#buffer.length >= this.#o.maxBatch || (this.#buffer.length > 0 && this.#drainWaiters.length > 0)) {
          this.#pump();
        } else if (this.#buffer.length > 0) {
          this.#lingerTimer ??= setTimeout(() => this.#pump(), this.#o.lingerMs);
        }
      },
      (error: unknown) => {
        this.#inFlight = undefined;
        this.#fail(error);
      },
    );
  }

  async #send(batch: Message[]): Promise<void> {
    const { topic, metrics } = this.#o;
    const started = performance.now();
    await withRetry(
      async () => {
        try {
          await this.#o.producer.send({
            topic,
            messages: batch,
            acks: -1,
            compression: this.#o.compression === 'gzip' ? CompressionTypes.GZIP : CompressionTypes.None,
          });
        } catch (error) {
          throw toKafkaError(error, { operation: `producing to ${topic}`, brokers: this.#o.brokers });
        }
      },
      this.#o.retry,
      {
        onRetry: (error, attempt, delayMs) => {
          metrics?.sendErrors.inc({ topic, retriable: 'true' });
          this.#o.logger.warn({ topic, attempt, delayMs, err: (error as Error).message }, 'send failed, retrying');
        },
      },
    );
    metrics?.batchSeconds.observe({ topic }, (performance.now() - started) / 1000);
  }

  #settle(count: number): void {
    this.#acknowledged += count;
    this.#pending -= count;
    this.#o.metrics?.sent.inc({ topic: this.#o.topic }, count);
    this.#o.metrics?.buffered.dec({ topic: this.#o.topic }, count);
    if (this.#pending < this.#o.maxBuffered && this.#spaceWaiters.length > 0) {
      // Woken a turn later: the next batch (sent by #pump right after this) is built and written to the socket by
      // kafkajs in microtasks, and waking the writer now would put the encoding of more events ahead of them.
      const waiters = this.#spaceWaiters.splice(0);
      setImmediate(() => {
        for (const wake of waiters) wake();
      });
    }
    if (this.#pending === 0) for (const waiter of this.#drainWaiters.splice(0)) waiter.resolve();
  }

  #fail(error: unknown): void {
    this.#failure = error;
    this.#o.metrics?.sendErrors.inc({ topic: this.#o.topic, retriable: 'false' });
    this.#o.logger.error({ topic: this.#o.topic, err: (error as Error).message }, 'publishing failed');
    for (const wake of this.#spaceWaiters.splice(0)) wake();
    for (const waiter of this.#drainWaiters.splice(0)) waiter.reject(error);
  }
}
