-- inferences kept 365 days from when they were stored, not from `scored_at`. `scored_at` is supplied by the writer
-- (the stream, replay, the API, `vigil evaluate --write`), and a writer that stamped it with event or simulated
-- time (an evaluation of last year, a test scoring at time 0) lost its rows without a word seconds after the
-- insert: ClickHouse deletes expired rows when parts merge. The raw tables already count from ingestion
-- (ingested_at) and features from computed_at (its DEFAULT, the insert time); `stored_at` does the same here.
-- Rows stored before this migration count from the time it ran.
ALTER TABLE inferences ADD COLUMN IF NOT EXISTS stored_at DateTime64(3, 'UTC') DEFAULT now64(3);
ALTER TABLE inferences MODIFY TTL toDateTime(stored_at) + INTERVAL 365 DAY;
