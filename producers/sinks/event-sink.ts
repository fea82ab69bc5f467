/**
 * Where producers put their events. A sink accepts events one at a time and applies backpressure by returning a
 * promise from `write` only when the caller must wait (a full buffer, a slow disk, a broker's in-flight limit);
 * otherwise `write` returns nothing, so the fast path costs no promise per event. Implementations: the JSONL file
 * sink here; the Kafka publishing sink plugs in behind the same interface.
 */
export interface EventSink<E> {
  /** Accepts one event; when a promise is returned the caller awaits it before writing more. */
  write(event: E): undefined | Promise<void>;
  /** Resolves once every accepted event is durable at the destination. */
  flush(): Promise<void>;
  /** Flushes and releases the destination; the sink accepts nothing afterwards. */
  close(): Promise<void>;
}

/** A sink that keeps events in memory (tests, the API's synchronous paths). */
export class MemorySink<E> implements EventSink<E> {
  readonly events: E[] = [];
  write(event: E): undefined {
    this.events.push(event);
    return undefined;
  }
  async flush(): Promise<void> {}
  async close(): Promise<void> {}
}
