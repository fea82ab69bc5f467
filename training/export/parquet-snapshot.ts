/**
 * Writes a training snapshot: a Parquet file named by its content hash plus the `<file>.meta.json` sidecar the
 * Python trainer reads (training/vigil_training/dataset.py). Rows are sorted by (event_time, key) first, so the
 * bytes (and so the name, which is the dataset version) depend on the rows, not on the order they were computed.
 * Written with hyparquet-writer (pure JS, deterministic output: no timestamps in the file).
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { sha256Hex } from '../../core/sha256.js';
import { trainingError } from './errors.js';
import type { FeatureRows } from './feature-rows.js';

export interface SnapshotLineage {
  readonly stream: string;
  /** What the rows were computed from: `clickhouse` or `simulator` (with its seed). */
  readonly source: Readonly<Record<string, unknown>>;
  readonly sourceTimeRange: { readonly from: number; readonly to: number };
  readonly codeCommit: string | null;
  readonly sampleEveryMs: number;
}

export interface Snapshot {
  readonly path: string;
  readonly metaPath: string;
  readonly sha256: string;
  readonly rows: number;
  readonly assets: readonly string[];
  readonly labelledRows: number;
}

function order(rows: FeatureRows): number[] {
  const idx = rows.keys.map((_, i) => i);
  idx.sort((a, b) => {
    const dt = rows.eventTimes[a]! - rows.eventTimes[b]!;
    if (dt !== 0) return dt;
    const ka = rows.keys[a]!;
    const kb = rows.keys[b]!;
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
  return idx;
}

/** Parquet bytes of the rows (sorted), exported for tests. */
export function snapshotBytes(rows: FeatureRows): Uint8Array {
  const idx = order(rows);
  const pick = <T>(values: readonly T[]): T[] => idx.map((i) => values[i]!);
  const assetType = rows.subject;
  const buffer = parquetWriteBuffer({
    columnData: [
      { name: 'key', data: pick(rows.keys), type: 'STRING', nullable: false },
      { name: 'event_time', data: idx.map((i) => BigInt(rows.eventTimes[i]!)), type: 'INT64', nullable: false },
      { name: 'asset_type', data: idx.map(() => assetType), type: 'STRING', nullable: false },
      { name: 'label', data: pick(rows.labels), type: 'STRING', nullable: true },
      ...rows.featureSet.featureNames.map((name, f) => ({
        name,
        data: pick(rows.columns[f]!),
        type: 'DOUBLE' as const,
        nullable: false,
      })),
    ],
    rowGroupSize: 100_000,
    createdBy: 'vigil training export',
  });
  return new Uint8Array(buffer);
}

export function writeSnapshot(dir: string, baseName: string, rows: FeatureRows, lineage: SnapshotLineage): Snapshot {
  const bytes = snapshotBytes(rows);
  const sha256 = sha256Hex(bytes);
  const path = join(dir, `${baseName}-${sha256.slice(0, 16)}.parquet`);
  const metaPath = `${path}.meta.json`;
  const assets = [...new Set(rows.keys)].sort();
  const set = rows.featureSet;
  const meta = {
    featureSet: { name: set.name, version: set.version, hash: set.hash, features: [...set.featureNames] },
    stream: lineage.stream,
    subject: rows.subject,
    sourceTimeRange: lineage.sourceTimeRange,
    assets,
    codeCommit: lineage.codeCommit,
    source: lineage.source,
    sampleEveryMs: lineage.sampleEveryMs,
    rows: rows.keys.length,
    sha256,
  };
  try {
    mkdirSync(dir, { recursive: true });
    // Same name = same content: a rerun rewrites identical bytes; tmp + rename so a reader never sees half a file.
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, bytes);
    renameSync(tmp, path);
    writeFileSync(`${metaPath}.${process.pid}.tmp`, `${JSON.stringify(meta, null, 2)}\n`);
    renameSync(`${metaPath}.${process.pid}.tmp`, metaPath);
  } catch (error) {
    throw trainingError('VIGIL_TRAINING_SNAPSHOT_FAILED', { dir, reason: (error as Error).message }, error);
  }
  return {
    path,
    metaPath,
    sha256,
    rows: rows.keys.length,
    assets,
    labelledRows: rows.labels.filter((l) => l !== null).length,
  };
}
