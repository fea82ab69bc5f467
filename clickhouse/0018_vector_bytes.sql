-- Vectors arrive as the base64 of their little-endian Float64 values (`vector_base64`, EPHEMERAL: never stored)
-- and are stored as before, in `vector`, which the insert computes from them (adapters/clickhouse/rows.ts
-- vectorBase64). As JSON numbers, ~230 values per row cost Node 30-60 µs per row to print and the engine about as
-- much to parse, most of a group write's CPU; as bytes, a 4 000-row insert takes a third of the CPU (bench/README.md,
-- "vectors as bytes"). Exact: the same 64 bits arrive. `vector` is still written directly by callers that name it,
-- and rows without either keep an empty vector, as before.
ALTER TABLE features ADD COLUMN IF NOT EXISTS vector_base64 String EPHEMERAL '' AFTER vector;
ALTER TABLE features MODIFY COLUMN vector Array(Float64) DEFAULT reinterpret(base64Decode(vector_base64), 'Array(Float64)');
ALTER TABLE inferences ADD COLUMN IF NOT EXISTS vector_base64 String EPHEMERAL '' AFTER vector;
ALTER TABLE inferences MODIFY COLUMN vector Array(Float64) DEFAULT reinterpret(base64Decode(vector_base64), 'Array(Float64)');
