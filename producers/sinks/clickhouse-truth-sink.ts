/** Ground-truth records into ClickHouse (fault_ground_truth), buffered and inserted in batches. */
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import type { EventSink } from './event-sink.js';

export class ClickHouseTruthSink implements EventSink<GroundTruth> {
  readonly #ch: ClickHouse;
  readonly #runId: string;
  readonly #seed: number;
  #rows: Record<string, unknown>[] = [];

  constructor(ch: ClickHouse, options: { runId?: string; seed?: number } = {}) {
    this.#ch = ch;
    this.#runId = options.runId ?? '';
    this.#seed = options.seed ?? 0;
  }

  write(truth: GroundTruth): undefined | Promise<void> {
    this.#rows.push({
      source: truth.source,
      stream: truth.stream,
      key: truth.key,
      channels: truth.channels,
      kind: truth.kind,
      start_time: truth.start,
      end_time: truth.end,
      run_id: this.#runId,
      seed: this.#seed,
    });
    return this.#rows.length >= 500 ? this.flush() : undefined;
  }

  async flush(): Promise<void> {
    const rows = this.#rows;
    this.#rows = [];
    await this.#ch.insertRows('fault_ground_truth', rows);
  }

  close(): Promise<void> {
    return this.flush();
  }
}
