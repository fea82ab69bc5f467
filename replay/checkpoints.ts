/**
 * A run's record and checkpoints in ClickHouse (clickhouse/0012_replay.sql). A chunk's checkpoint row is written
 * only after all its output rows are durable; a run's `started_at` marks the current pass over it, so a resumed
 * pass skips the chunks finished since then and a new pass (the run had completed, or --fresh) redoes them all.
 */
import type { ClickHouse } from '../adapters/clickhouse/index.js';

export type RunState = 'running' | 'completed' | 'failed' | 'interrupted';

export interface RunRecord {
  readonly runId: string;
  readonly stream: string;
  readonly from: number;
  readonly to: number;
  /** JSON of what defines the run (keys, model versions): a rerun must ask for the same. */
  readonly params: string;
  readonly state: RunState;
  readonly chunks: number;
  readonly summary: string;
  readonly startedAt: number;
}

export interface ChunkCheckpoint {
  readonly chunkId: string;
  readonly from: number;
  readonly to: number;
  readonly keys: number;
  readonly events: number;
  readonly features: number;
  readonly inferences: number;
  readonly alerts: number;
  readonly exactKeys: number;
  readonly attempts: number;
}

export class ReplayCheckpoints {
  readonly #ch: ClickHouse;

  constructor(ch: ClickHouse) {
    this.#ch = ch;
  }

  async run(runId: string): Promise<RunRecord | undefined> {
    const [row] = await this.#ch.query<Record<string, string>>(
      `SELECT run_id, stream, toString(toUnixTimestamp64Milli(from_time)) AS from_ms,
              toString(toUnixTimestamp64Milli(to_time)) AS to_ms, params, state, chunks, summary,
              toString(toUnixTimestamp64Milli(started_at)) AS started_ms
       FROM replay_runs FINAL WHERE run_id = {runId:String}`,
      { runId },
    );
    if (row === undefined) return undefined;
    return {
      runId: String(row.run_id),
      stream: String(row.stream),
      from: Number(row.from_ms),
      to: Number(row.to_ms),
      params: String(row.params),
      state: row.state as RunState,
      chunks: Number(row.chunks),
      summary: String(row.summary),
      startedAt: Number(row.started_ms),
    };
  }

  async runIds(): Promise<string[]> {
    const rows = await this.#ch.query<{ run_id: string }>(
      'SELECT run_id FROM replay_runs FINAL ORDER BY updated_at DESC LIMIT 20',
    );
    return rows.map((r) => r.run_id);
  }

  async saveRun(run: RunRecord): Promise<void> {
    await this.#ch.insertRows('replay_runs', [
      {
        run_id: run.runId,
        stream: run.stream,
        from_time: run.from,
        to_time: run.to,
        params: run.params,
        state: run.state,
        chunks: run.chunks,
        summary: run.summary,
        started_at: run.startedAt,
        // Strictly increasing per run even within one millisecond: the latest state must win the replace.
        updated_at: Math.max(Date.now(), this.#lastUpdate + 1),
      },
    ]);
    this.#lastUpdate = Math.max(Date.now(), this.#lastUpdate + 1);
  }

  #lastUpdate = 0;

  /** Chunks of `runId` finished at or after `since` (the current pass). */
  async finishedChunks(runId: string, since: number): Promise<Map<string, ChunkCheckpoint>> {
    const rows = await this.#ch.query<Record<string, string>>(
      `SELECT chunk_id, toString(toUnixTimestamp64Milli(from_time)) AS from_ms,
              toString(toUnixTimestamp64Milli(to_time)) AS to_ms, keys, events, features, inferences, alerts,
              exact_keys, attempts
       FROM replay_chunks FINAL
       WHERE run_id = {runId:String} AND finished_at >= fromUnixTimestamp64Milli({since:Int64}, 'UTC')`,
      { runId, since },
      { maxRows: 1_000_000 },
    );
    return new Map(
      rows.map((r) => [
        String(r.chunk_id),
        {
          chunkId: String(r.chunk_id),
          from: Number(r.from_ms),
          to: Number(r.to_ms),
          keys: Number(r.keys),
          events: Number(r.events),
          features: Number(r.features),
          inferences: Number(r.inferences),
          alerts: Number(r.alerts),
          exactKeys: Number(r.exact_keys),
          attempts: Number(r.attempts),
        },
      ]),
    );
  }

  async finishChunk(runId: string, c: ChunkCheckpoint): Promise<void> {
    await this.#ch.insertRows('replay_chunks', [
      {
        run_id: runId,
        chunk_id: c.chunkId,
        from_time: c.from,
        to_time: c.to,
        keys: c.keys,
        events: c.events,
        features: c.features,
        inferences: c.inferences,
        alerts: c.alerts,
        exact_keys: c.exactKeys,
        attempts: c.attempts,
        finished_at: Date.now(),
      },
    ]);
  }
}
