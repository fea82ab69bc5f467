/**
 * What a replay run is (stream, time range, keys, model versions, run id) and how it is cut into chunks. Pure:
 * the same options always give the same run id and the same chunks, which is what makes a rerun replace its own
 * rows and a resumed run skip exactly the chunks already done.
 */
import type { StreamName } from '../core/scoring/index.js';
import { sha256Hex } from '../core/sha256.js';
import { replayError } from './errors.js';

export interface ReplaySpec {
  readonly runId: string;
  readonly stream: StreamName;
  /** Inclusive start of the scored range, epoch ms. */
  readonly from: number;
  /** Exclusive end of the scored range, epoch ms. */
  readonly to: number;
  /** Keys (asset ids or store ids) to replay; undefined: every key with events in the range. */
  readonly keys: readonly string[] | undefined;
  /** Explicit model versions by model name (`sensors-pump` -> version); others use production. */
  readonly modelVersions: Readonly<Record<string, string>>;
  /** Where the events come from (default clickhouse: the raw tables). */
  readonly source?: ReplaySource;
}

export type ReplaySource = 'clickhouse' | 'kafka';

export interface Chunk {
  /** Stable id: time slice + hash of its keys (so a resumed run recognises its finished chunks). */
  readonly id: string;
  readonly from: number;
  readonly to: number;
  readonly keys: readonly string[];
}

export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

/** `a=1,b=2` -> { a: '1', b: '2' } (the --model-version option). */
export function parseModelVersions(text: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (text === undefined || text.trim() === '') return out;
  for (const part of text.split(',')) {
    const [name, version, ...rest] = part.split('=').map((s) => s.trim());
    if (!name || !version || rest.length > 0) {
      throw replayError('VIGIL_REPLAY_BAD_OPTION', {
        option: '--model-version',
        detail: `expected <model name>=<version>[,...], e.g. sensors-pump=sha-1234abcd, got "${part}"`,
      });
    }
    out[name] = version;
  }
  return out;
}

/** Time of day in the run id: 2026-03-02T06:00:00.000Z -> 20260302T060000Z. */
function compactTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}Z$/, 'Z');
}

function shortHash(text: string, length = 8): string {
  return sha256Hex(text).slice(0, length);
}

/**
 * The run id a replay gets unless --run-id names one: `replay-<stream>-<from>-<to>-<hash of keys, versions and
 * a non-default source>`. Deterministic, so running the same command twice resumes or replaces the same run;
 * the source enters the hash only when it is kafka, so the ids of ClickHouse runs stay what they were.
 */
export function defaultRunId(spec: Omit<ReplaySpec, 'runId'>): string {
  const what = JSON.stringify({
    keys: spec.keys === undefined ? null : [...spec.keys].sort(),
    models: Object.entries(spec.modelVersions).sort(([a], [b]) => a.localeCompare(b)),
    ...(spec.source === 'kafka' ? { source: 'kafka' } : {}),
  });
  return `replay-${spec.stream}-${compactTime(spec.from)}-${compactTime(spec.to)}-${shortHash(what, 6)}`;
}

export function checkSpec(spec: ReplaySpec): ReplaySpec {
  if (!Number.isSafeInteger(spec.from) || !Number.isSafeInteger(spec.to)) {
    throw replayError('VIGIL_REPLAY_BAD_RANGE', { detail: '--from and --to must be ISO-8601 times or epoch ms' });
  }
  if (spec.to <= spec.from) {
    throw replayError('VIGIL_REPLAY_BAD_RANGE', {
      detail: `--to (${new Date(spec.to).toISOString()}) must be after --from (${new Date(spec.from).toISOString()})`,
    });
  }
  if (!RUN_ID_PATTERN.test(spec.runId) || spec.runId === 'live') {
    throw replayError('VIGIL_REPLAY_BAD_OPTION', {
      option: '--run-id',
      detail: `"${spec.runId}" must be 1-128 letters, digits, '.', '_', ':' or '-', start with a letter or digit, and not be "live"`,
    });
  }
  if (spec.keys !== undefined && spec.keys.length === 0) {
    throw replayError('VIGIL_REPLAY_BAD_OPTION', { option: '--assets/--stores', detail: 'names no key' });
  }
  return spec;
}

/**
 * Cuts [from, to) into slices of `chunkMs` (aligned on `from`) and the keys into groups of `keysPerChunk`
 * (sorted, so the grouping does not depend on the order ClickHouse lists them). Every chunk is independent: it
 * carries its own warm-up, so chunks can run in any order and on any worker.
 */
export function planChunks(
  from: number,
  to: number,
  keys: readonly string[],
  chunkMs: number,
  keysPerChunk: number,
): Chunk[] {
  if (!(chunkMs > 0) || !(keysPerChunk > 0)) throw new RangeError('chunkMs and keysPerChunk must be positive');
  const sorted = [...new Set(keys)].sort();
  const groups: string[][] = [];
  for (let i = 0; i < sorted.length; i += keysPerChunk) groups.push(sorted.slice(i, i + keysPerChunk));
  const chunks: Chunk[] = [];
  for (let start = from; start < to; start += chunkMs) {
    const end = Math.min(to, start + chunkMs);
    for (const group of groups) {
      chunks.push({ id: `${start}-${end}-${shortHash(group.join('\n'))}`, from: start, to: end, keys: group });
    }
  }
  return chunks;
}
