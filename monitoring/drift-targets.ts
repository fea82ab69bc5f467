/**
 * What drift is measured on, read from a production model card (pure): every feature of its feature set against
 * `reference.features[name]`, the score distribution against `reference.score` (prediction drift), and the alert
 * rate as a two-bin histogram (below / above threshold) against the rate the threshold was chosen for.
 */
import type { ModelCard } from '../core/model/card.js';

export type DriftKind = 'feature' | 'score' | 'alert_rate';

export interface DriftTarget {
  readonly kind: DriftKind;
  /** Feature name; `score` and `alert_rate` for the prediction targets (feature names are channel_agg_window). */
  readonly name: string;
  /** Interior bin edges (card convention: bin = number of edges strictly below the value). */
  readonly edges: readonly number[];
  /** Reference counts per bin (length edges + 1). */
  readonly reference: readonly number[];
}

export const SCORE_TARGET = 'score';
export const ALERT_RATE_TARGET = 'alert_rate';

/** The share of scores above threshold the card expects on normal data (the threshold rule's target rate). */
export function expectedAlertRate(card: ModelCard): number {
  const designed = card.thresholdRule.falseAlertRate;
  return typeof designed === 'number' && designed >= 0 && designed <= 1 ? designed : card.metrics.falseAlertRate;
}

/** Targets in a fixed order: score, alert rate, then the features in the card's feature order. */
export function driftTargets(card: ModelCard): DriftTarget[] {
  const rate = expectedAlertRate(card);
  const rows = Math.max(card.reference.rows, 1);
  const targets: DriftTarget[] = [
    { kind: 'score', name: SCORE_TARGET, edges: card.reference.score.edges, reference: card.reference.score.counts },
    // anomaly as 0/1 with one edge at 0.5: bin 0 = normal, bin 1 = above threshold.
    { kind: 'alert_rate', name: ALERT_RATE_TARGET, edges: [0.5], reference: [(1 - rate) * rows, rate * rows] },
  ];
  for (const name of card.featureSet.features) {
    const histogram = card.reference.features[name];
    if (histogram === undefined) continue; // the card schema refuses this; kept total for hand-built cards
    targets.push({ kind: 'feature', name, edges: histogram.edges, reference: histogram.counts });
  }
  return targets;
}
