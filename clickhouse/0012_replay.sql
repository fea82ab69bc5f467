-- Replay runs and their checkpoints (replay/, `vigil replay`). Written by the replay job itself, never by a Kafka
-- consumer; the outputs of a run go to features, inferences and alerts tagged with its run_id.

-- replay_runs: one row per run holding its latest state (running, completed, failed) and parameters, so that a
-- rerun of the same run id can check it asks for the same thing and `vigil replay compare` can name the run.
-- ReplacingMergeTree(updated_at) ORDER BY run_id: the latest state of a run wins; looked up by run_id.
-- No TTL: a handful of rows per run; operators delete old runs with their rows.
CREATE TABLE IF NOT EXISTS replay_runs
(
    run_id       String,
    stream       LowCardinality(String),
    from_time    DateTime64(3, 'UTC'),
    to_time      DateTime64(3, 'UTC'),
    params       String,
    state        LowCardinality(String),
    chunks       UInt32,
    summary      String DEFAULT '',
    started_at   DateTime64(3, 'UTC'),
    updated_at   DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(updated_at)
ORDER BY run_id
COMMENT 'Replay runs, latest state per run_id with FINAL';

-- replay_chunks: the checkpoint of a run. A row is written only after every output row of the chunk is durable,
-- so a resumed run skips exactly the chunks that are done (a chunk cut short is recomputed; its rows replace
-- themselves by their identities). ReplacingMergeTree(finished_at) ORDER BY (run_id, chunk_id): one row per
-- chunk, a rerun of the same chunk replaces it. No TTL, same reason as replay_runs.
CREATE TABLE IF NOT EXISTS replay_chunks
(
    run_id       String,
    chunk_id     String,
    from_time    DateTime64(3, 'UTC'),
    to_time      DateTime64(3, 'UTC'),
    keys         UInt32,
    events       UInt64,
    features     UInt64,
    inferences   UInt64,
    alerts       UInt64,
    exact_keys   UInt32,
    attempts     UInt32,
    finished_at  DateTime64(3, 'UTC') DEFAULT now64(3)
)
ENGINE = ReplacingMergeTree(finished_at)
ORDER BY (run_id, chunk_id)
COMMENT 'Replay checkpoints: one row per finished chunk with FINAL';
