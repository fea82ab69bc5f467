/**
 * Gate (c), case 2 (see gates.ts): scores the candidate's held-out rows with the candidate and the production
 * model here, in onnxruntime-node, and compares point-wise F1 with each model's own threshold. The rows come from
 * the candidate's training snapshot (`<datasets dir>/<card.dataset.file>`, checked against the card's sha256),
 * held out = event time >= card.dataset.trainUntil, exactly the rows the trainer evaluated on.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { parquetRead } from 'hyparquet';
import { OnnxScorer } from '../adapters/onnx/index.js';
import type { ModelCard } from '../core/model/card.js';
import { sha256Hex } from '../core/sha256.js';
import { pointMetrics, type RegressionEvidence } from './gates.js';

export interface ModelOnDisk {
  readonly card: ModelCard;
  readonly dir: string;
}

export interface HeldOutRows {
  readonly rows: number;
  readonly width: number;
  readonly matrix: Float32Array;
  readonly labels: (string | null)[];
}

/** The held-out rows of a snapshot, features in `features` order; undefined + why when unusable. */
export async function readHeldOut(
  path: string,
  sha256: string,
  trainUntil: number,
  features: readonly string[],
): Promise<{ rows?: HeldOutRows; why?: string }> {
  if (!existsSync(path)) return { why: `the candidate's snapshot ${path} is not there` };
  const bytes = await readFile(path);
  const actual = sha256Hex(bytes);
  if (actual !== sha256) return { why: `snapshot ${path} has sha256 ${actual}, the card says ${sha256}` };
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let data: unknown[][] = [];
  await parquetRead({
    file,
    columns: ['event_time', 'label', ...features],
    onComplete: (rows: unknown[][]) => {
      data = rows;
    },
  });
  const held = data.filter((r) => Number(r[0]) >= trainUntil);
  const width = features.length;
  const matrix = new Float32Array(held.length * width);
  held.forEach((r, i) => {
    for (let f = 0; f < width; f++) matrix[i * width + f] = Number(r[f + 2]);
  });
  const labels = held.map((r) => (r[1] === null || r[1] === undefined ? null : String(r[1])));
  return { rows: { rows: held.length, width, matrix, labels } };
}

async function scoreWith(model: ModelOnDisk, rows: HeldOutRows): Promise<Float32Array> {
  const scorer = await OnnxScorer.load(model.card, join(model.dir, basename(model.card.onnx.file)));
  try {
    return await scorer.scoreBatch(rows.matrix, rows.rows);
  } finally {
    await scorer.close();
  }
}

export async function rescoreHeldOut(
  candidate: ModelOnDisk,
  production: ModelOnDisk,
  datasetsDir: string,
): Promise<{ evidence?: RegressionEvidence; why?: string }> {
  const ds = candidate.card.dataset;
  const { rows, why } = await readHeldOut(
    join(datasetsDir, basename(ds.file)),
    ds.sha256,
    ds.trainUntil,
    candidate.card.featureSet.features,
  );
  if (rows === undefined) return { why };
  if (rows.rows === 0) return { why: `snapshot ${ds.file} has no held-out rows` };
  const [c, p] = [await scoreWith(candidate, rows), await scoreWith(production, rows)];
  return {
    evidence: {
      method: 'rescored',
      candidateF1: pointMetrics(c, candidate.card.threshold, rows.labels).f1,
      productionF1: pointMetrics(p, production.card.threshold, rows.labels).f1,
      rows: rows.rows,
      dataset: ds.sha256,
    },
  };
}
