import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import { parseCardText } from '../../core/model/card.js';
import { assertTransition } from '../../core/model/lifecycle.js';
import { cardEvidence } from '../../registry/gates.js';
import {
  judgeRegression,
  pointMetrics,
  previousProduction,
  productionStack,
  requireReason,
  sameEvaluationSet,
} from '../../registry/index.js';

const card = parseCardText(
  readFileSync(new URL('../fixtures/models/sensors-pump-pca/card.json', import.meta.url), 'utf8'),
);

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('lifecycle refusals the registry relies on', () => {
  it.each([
    ['archived', 'shadow'],
    ['production', 'shadow'],
    ['production', 'production'],
    ['archived', 'registered'],
    ['registered', 'registered'],
  ] as const)('%s -> %s is refused naming the allowed states', (from, to) => {
    const error = thrown(() => assertTransition(from, to));
    expect(isVigilError(error, 'VIGIL_MODEL_TRANSITION_INVALID')).toBe(true);
    expect((error as Error).message).toContain(`from ${from} it can go to`);
  });
});

describe('requireReason', () => {
  it('refuses an empty or blank reason and trims a given one', () => {
    expect(
      isVigilError(
        thrown(() => requireReason('promote', '  ')),
        'VIGIL_MODELS_REASON_REQUIRED',
      ),
    ).toBe(true);
    expect(
      isVigilError(
        thrown(() => requireReason('rollback', undefined)),
        'VIGIL_MODELS_REASON_REQUIRED',
      ),
    ).toBe(true);
    expect(requireReason('promote', ' better recall ')).toBe('better recall');
  });
});

describe('pointMetrics', () => {
  it('computes point-wise precision, recall and F1 with score > threshold', () => {
    const labels = [null, null, 'spike', 'spike', null, 'drift'];
    const scores = [0.1, 0.9, 0.8, 0.2, 0.5, 0.95];
    // flagged (> 0.5): rows 1, 2, 5 -> tp 2 (rows 2, 5), fp 1 (row 1), fn 1 (row 3); 0.5 itself is not > 0.5
    const m = pointMetrics(scores, 0.5, labels);
    expect(m).toEqual({ precision: 0.666667, recall: 0.666667, f1: 0.666667, support: 3 });
  });

  it('is 0 (not NaN) when nothing is flagged or there are no faults', () => {
    expect(pointMetrics([0, 0], 1, [null, 'spike']).f1).toBe(0);
    expect(pointMetrics([2, 2], 1, [null, null])).toEqual({ precision: 0, recall: 0, f1: 0, support: 0 });
  });
});

describe('regression gate decision', () => {
  const evidence = (candidateF1: number, productionF1: number) => ({
    method: 'rescored' as const,
    candidateF1,
    productionF1,
    rows: 100,
    dataset: 'a'.repeat(64),
  });

  it('passes an equal or better candidate and one within the tolerance', () => {
    expect(judgeRegression(evidence(0.8, 0.8), 0.01).ok).toBe(true);
    expect(judgeRegression(evidence(0.9, 0.8), 0.01).ok).toBe(true);
    expect(judgeRegression(evidence(0.795, 0.8), 0.01).ok).toBe(true);
  });

  it('refuses a candidate worse than production beyond the tolerance, naming both numbers', () => {
    const verdict = judgeRegression(evidence(0.7, 0.8), 0.01);
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toContain('0.7');
    expect(verdict.detail).toContain('0.8');
  });

  it('refuses when there is no common evaluation set, saying why', () => {
    const verdict = judgeRegression(undefined, 0.01, 'snapshot x is not there');
    expect(verdict.ok).toBe(false);
    expect(verdict.detail).toContain('snapshot x is not there');
  });

  it('compares card metrics only for the same snapshot and split', () => {
    const other = { ...card, dataset: { ...card.dataset, sha256: 'b'.repeat(64) } };
    const laterSplit = { ...card, dataset: { ...card.dataset, trainUntil: card.dataset.trainUntil + 1 } };
    expect(sameEvaluationSet(card, card)).toBe(true);
    expect(sameEvaluationSet(card, other)).toBe(false);
    expect(sameEvaluationSet(card, laterSplit)).toBe(false);
    const worse = { ...card, metrics: { ...card.metrics, overall: { ...card.metrics.overall, f1: 0 } } };
    expect(judgeRegression(cardEvidence(worse, card), 0.01).ok).toBe(card.metrics.overall.f1 <= 0.01);
  });
});

describe('previous production version from the audit trail', () => {
  const e = (action: string, version: string, at: number) => ({ action, version, at });

  it('walks back one promotion per rollback (undo, not flip-flop)', () => {
    const events = [
      e('register', 'v1', 1),
      e('promote', 'v1', 2),
      e('promote', 'v2', 3),
      e('shadow', 'v3', 4),
      e('promote', 'v3', 5),
    ];
    expect(productionStack(events)).toEqual(['v1', 'v2', 'v3']);
    expect(previousProduction(events, 'v3')).toBe('v2');
    const once = [...events, e('rollback', 'v2', 6)];
    expect(previousProduction(once, 'v2')).toBe('v1');
    const twice = [...once, e('rollback', 'v1', 7)];
    expect(previousProduction(twice, 'v1')).toBeUndefined();
  });

  it('does not depend on the order the events are listed in', () => {
    const events = [e('promote', 'v2', 3), e('promote', 'v1', 2)];
    expect(previousProduction(events, 'v2')).toBe('v1');
  });

  it('gives nothing when the named version is not the current production one', () => {
    expect(previousProduction([e('promote', 'v1', 1), e('promote', 'v2', 2)], 'v1')).toBeUndefined();
  });
});
