/**
 * Writes events as JSON Lines to a file. Lines are batched into ~64 KiB chunks before reaching the stream (one
 * write call per chunk, not per event), and `write` returns a promise when the file stream's buffer is full, so a
 * fast generator cannot outrun the disk. JSON has no NaN: a NaN channel value is written as null (readers map it
 * back to NaN). The same events give the same bytes.
 */

import { createWriteStream, type WriteStream } from 'node:fs';
import { producerError } from '../errors.js';
import type { EventSink } from './event-sink.js';

const CHUNK_CHARS = 64 * 1024;

export class JsonlFileSink<E> implements EventSink<E> {
  private readonly stream: WriteStream;
  private buffer = '';
  private failure: Error | undefined;
  private closed = false;

  constructor(private readonly path: string) {
    this.stream = createWriteStream(path, { encoding: 'utf8' });
    this.stream.on('error', (error) => {
      this.failure = producerError('VIGIL_PRODUCERS_OUTPUT_FAILED', { path, reason: error.message }, error);
    });
  }

  write(event: E): undefined | Promise<void> {
    if (this.failure) throw this.failure;
    if (this.closed)
      throw producerError('VIGIL_PRODUCERS_OUTPUT_FAILED', { path: this.path, reason: 'the sink is closed' });
    this.buffer += `${JSON.stringify(event)}\n`;
    if (this.buffer.length < CHUNK_CHARS) return undefined;
    return this.drainBuffer();
  }

  async flush(): Promise<void> {
    await this.drainBuffer();
    if (this.failure) throw this.failure;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    this.stream.end();
    await new Promise<void>((resolve) => {
      if (this.stream.writableFinished || this.failure) return resolve();
      this.stream.once('finish', () => resolve());
      this.stream.once('error', () => resolve());
    });
    if (this.failure) throw this.failure;
  }

  private drainBuffer(): undefined | Promise<void> {
    if (this.buffer.length === 0) return undefined;
    const chunk = this.buffer;
    this.buffer = '';
    if (this.stream.write(chunk)) return undefined;
    return this.waitForDrain();
  }

  private async waitForDrain(): Promise<void> {
    // 'error' also ends the wait; the failure is then raised here (or by the next write, flush or close).
    if (this.failure) throw this.failure;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
    });
    if (this.failure) throw this.failure;
  }
}
