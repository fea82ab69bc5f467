-- API and evaluation inferences (the writers without a features-table row) keep their vector inline as values,
-- `inferences.vector Array(Float64)`, with the names once per feature set version in `feature_sets`, as the
-- features table does since 0015. As a map of ~230 named keys per row, an API inference cost chDB 0.18-0.24 ms of
-- CPU per row to store (0.07 as values: bench/README.md, "Serving"), most of a short score request's CPU.
-- Readers take, in order: `vector` when not empty, the `features` map when not empty (rows written before this
-- migration), else the features table's row (stream and replay).
ALTER TABLE inferences ADD COLUMN IF NOT EXISTS vector Array(Float64) AFTER features;
ALTER TABLE inferences MODIFY COMMENT 'Scores; read with FINAL (one row per stream, key, event_id, model name, role, run_id); the vector: `vector` (names in feature_sets), else the `features` map, else the features table';
