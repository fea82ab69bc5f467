import type { ModelCard } from '../../core/model/card.js';
import { modelError } from '../../core/model/errors.js';
import { compareScores, type ParityReport } from '../../core/model/parity.js';
import type { Scorer } from './scorer.js';

/**
 * Scores the card's parity rows in this runtime and compares them with the scores the trainer recorded
 * (same rule as training: |a - e| <= tolerance * max(1, |e|)). Throws VIGIL_MODEL_PARITY_FAILED on any row beyond it.
 */
export async function checkParity(card: ModelCard, scorer: Scorer): Promise<ParityReport> {
  const rows = card.parity.rows.map((row) => Float64Array.from(row));
  const actual = await scorer.scoreBatch(rows);
  const report = compareScores(card.parity.scores, actual, card.parity.tolerance);
  if (report.failing.length > 0) {
    const i = report.failing[0] as number;
    throw modelError('VIGIL_MODEL_PARITY_FAILED', {
      model: `${card.name}@${card.version}`,
      detail:
        i < 0
          ? `${actual.length} scores for ${card.parity.scores.length} rows`
          : `${report.failing.length} of ${report.rows} rows differ, e.g. row ${i}: expected ${card.parity.scores[i]}, got ${actual[i]} (tolerance ${card.parity.tolerance})`,
    });
  }
  return report;
}
