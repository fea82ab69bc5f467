import { option, section } from '../option.js';
import { durationMs, nonNegativeInt, positiveInt } from '../parsers.js';

/** Replay and backfill (`vigil replay`, replay/). */
export const replay = section('replay', {
  chunkMs: option({
    env: 'VIGIL_REPLAY_CHUNK',
    default: '1h',
    doc: 'Time slice of one replay chunk (the unit of work, retry and checkpoint); each chunk reads its own warm-up.',
    schema: durationMs,
  }),
  keysPerChunk: option({
    env: 'VIGIL_REPLAY_KEYS_PER_CHUNK',
    default: '8',
    doc: 'Keys (assets or stores) per replay chunk: chunks = time slices x key groups.',
    schema: positiveInt,
  }),
  workers: option({
    env: 'VIGIL_REPLAY_WORKERS',
    default: '0',
    doc: 'Worker threads scoring replay chunks (the main thread reads and writes ClickHouse); 0 = one per CPU core minus one, at least one.',
    schema: nonNegativeInt,
  }),
  maxWarmupMs: option({
    env: 'VIGIL_REPLAY_MAX_WARMUP',
    default: '24h',
    doc: "How far before a chunk replay looks for the point where a key's live state was fresh (first event, or after a gap longer than the longest window + lateness); found: features equal the live ones bit for bit; not found: a warm-up of the longest window + lateness (equal to ~1e-12).",
    schema: durationMs,
  }),
  chunkAttempts: option({
    env: 'VIGIL_REPLAY_CHUNK_ATTEMPTS',
    default: '4',
    doc: 'Attempts per replay chunk on retriable errors (ClickHouse unavailable, a worker thread died) before the run stops; a rerun resumes from the checkpoint.',
    schema: positiveInt,
  }),
});
