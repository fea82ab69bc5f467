/**
 * The pure decisions behind promotion (the I/O that feeds them lives in model-registry.ts and
 * regression-evaluation.ts):
 *   - a reason is required for promote and rollback (audit, architecture contract 7);
 *   - no regression: the candidate's held-out F1 may not fall more than `tolerance` below production's on the
 *     SAME evaluation rows. Two ways to get comparable numbers, in this order:
 *       1. both cards were evaluated on the same snapshot (dataset sha256) with the same train/eval split:
 *          their recorded metrics are comparable as they are;
 *       2. otherwise both models score the candidate's held-out rows here (the snapshot read back from the
 *          dataset directory), with each model's own threshold, point-wise like training/evaluation.py.
 *     Neither possible -> not comparable -> refused unless forced (a promotion is never waved through blind).
 */
import type { ModelCard } from '../core/model/card.js';
import { registryError } from './errors.js';

export interface PointMetrics {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  readonly support: number;
}

export function requireReason(action: string, reason: string | undefined): string {
  const trimmed = reason?.trim() ?? '';
  if (trimmed === '') throw registryError('VIGIL_MODELS_REASON_REQUIRED', { action });
  return trimmed;
}

function round6(x: number): number {
  return Math.round(x * 1e6) / 1e6;
}

/** Point-wise precision/recall/F1 of `score > threshold` against labels (null = normal), as in training. */
export function pointMetrics(
  scores: ArrayLike<number>,
  threshold: number,
  labels: readonly (string | null)[],
): PointMetrics {
  // float32 comparison, like the runtime and training (a float64 threshold may sit between two float32 scores).
  const t = Math.fround(threshold);
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let i = 0; i < labels.length; i++) {
    const flagged = Math.fround(scores[i]!) > t;
    const fault = labels[i] !== null;
    if (flagged && fault) tp++;
    else if (flagged) fp++;
    else if (fault) fn++;
  }
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
  return { precision: round6(precision), recall: round6(recall), f1: round6(f1), support: tp + fn };
}

export interface RegressionEvidence {
  /** How the numbers were obtained: `card-metrics` (same snapshot) or `rescored` (both scored here). */
  readonly method: 'card-metrics' | 'rescored';
  readonly candidateF1: number;
  readonly productionF1: number;
  readonly rows: number;
  readonly dataset: string;
}

export type RegressionVerdict =
  | { readonly ok: true; readonly detail: string; readonly evidence?: RegressionEvidence }
  | { readonly ok: false; readonly detail: string; readonly evidence?: RegressionEvidence };

/** Case 1: the same snapshot and split, so the cards' own held-out metrics compare. */
export function sameEvaluationSet(candidate: ModelCard, production: ModelCard): boolean {
  return (
    candidate.dataset.sha256 === production.dataset.sha256 &&
    candidate.dataset.trainUntil === production.dataset.trainUntil
  );
}

export function cardEvidence(candidate: ModelCard, production: ModelCard): RegressionEvidence {
  return {
    method: 'card-metrics',
    candidateF1: candidate.metrics.overall.f1,
    productionF1: production.metrics.overall.f1,
    rows: candidate.metrics.rows,
    dataset: candidate.dataset.sha256,
  };
}

export function judgeRegression(
  evidence: RegressionEvidence | undefined,
  tolerance: number,
  why = '',
): RegressionVerdict {
  if (evidence === undefined) {
    return { ok: false, detail: `no common evaluation set with the production model${why ? ` (${why})` : ''}` };
  }
  const { candidateF1: c, productionF1: p } = evidence;
  const summary = `held-out F1 ${c} vs production ${p} on ${evidence.rows} rows of ${evidence.dataset.slice(0, 12)} (${evidence.method})`;
  if (c + tolerance < p) return { ok: false, detail: `regression: ${summary}, tolerance ${tolerance}`, evidence };
  return { ok: true, detail: summary, evidence };
}
