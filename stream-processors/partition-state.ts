/**
 * One assigned partition's state: the scoring pipeline (feature windows, alert policy) and the restore tracker.
 * Built fresh on every assignment, by replaying from ClickHouse the partition's accepted events between the
 * committed restore point and the committed offset (outputs suppressed), so features after a restart or a
 * rebalance equal those of an uninterrupted run. Why ClickHouse and not Kafka: the raw tables hold exactly the
 * accepted events with their source offsets (late events and duplicates never entered the windows), and
 * reading them needs no seek on the group consumer.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { AlertRules, ModelSelector, PipelineItem } from '../core/scoring/index.js';
import { ScoringPipeline } from '../core/scoring/index.js';
import type { Checkpoint } from './checkpoint.js';
import { RestoreTracker } from './restore-tracker.js';
import type { StreamRuntime } from './streams.js';

const RESTORE_PAGE_ROWS = 20_000;

export class PartitionState<E> {
  readonly pipeline: ScoringPipeline<E>;
  readonly tracker: RestoreTracker;

  constructor(runtime: StreamRuntime<E>, models: ModelSelector, alertRules?: AlertRules) {
    this.pipeline = new ScoringPipeline(
      runtime.definition,
      models,
      runtime.alertPolicy,
      alertRules ? { alertRules } : {},
    );
    this.tracker = new RestoreTracker(runtime.restoreSpanMs);
  }

  /** Accounts a processed batch's accepted items in the tracker and forgets idle keys. */
  track(items: readonly PipelineItem<E>[], runtime: StreamRuntime<E>): void {
    if (items.length === 0) return;
    let newest = Number.NEGATIVE_INFINITY;
    for (const item of items) {
      const time = runtime.definition.eventTimeOf(item.event);
      this.tracker.observe(runtime.definition.keyOf(item.event), time);
      if (time > newest) newest = time;
    }
    this.tracker.markBatch(items[0]!.source.offset, newest);
    const idle = this.tracker.evictIdle();
    if (idle.length > 0) this.pipeline.dropKeys(idle);
  }

  /** Rebuilds state from the raw table; returns the number of events replayed. */
  async restore(
    runtime: StreamRuntime<E>,
    clickhouse: ClickHouse,
    topic: string,
    partition: number,
    checkpoint: Checkpoint,
  ): Promise<number> {
    let from = BigInt(checkpoint.restoreFrom);
    const to = BigInt(checkpoint.offset);
    let replayed = 0;
    while (from < to) {
      const rows = await clickhouse.query(
        `SELECT ${runtime.rawColumns} FROM ${runtime.rawTable} FINAL
         WHERE source_topic = {topic:String} AND source_partition = {partition:Int32}
           AND source_offset >= {from:Int64} AND source_offset < {to:Int64}
         ORDER BY source_offset LIMIT {limit:UInt32}`,
        { topic, partition, from: from.toString(), to: to.toString(), limit: RESTORE_PAGE_ROWS },
        { maxRows: RESTORE_PAGE_ROWS },
      );
      if (rows.length === 0) break;
      const items = rows.map((row) => ({
        event: runtime.fromRawRow(row),
        source: { topic, partition, offset: String(row.source_offset) },
      }));
      await this.pipeline.process(items, { emit: false, scoredAt: 0 });
      this.track(items, runtime);
      replayed += items.length;
      from = BigInt(items[items.length - 1]!.source.offset) + 1n;
    }
    return replayed;
  }
}
