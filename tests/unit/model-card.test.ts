import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import { parseCard, parseCardText } from '../../core/model/card.js';

const FIXTURES = new URL('../fixtures/models/', import.meta.url);
const rawCard = (name: string) => JSON.parse(readFileSync(new URL(`${name}/card.json`, FIXTURES), 'utf8'));

function invalid(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isVigilError(error, 'VIGIL_MODEL_CARD_INVALID')).toBe(true);
    return (error as Error).message;
  }
  throw new Error('expected VIGIL_MODEL_CARD_INVALID');
}

describe('parseCard', () => {
  it.each(['sensors-pump-pca', 'sensors-pump-iforest'])('accepts the card training wrote for %s', (name) => {
    const card = parseCard(rawCard(name));
    expect(card.name).toBe('sensors-pump');
    expect(card.io.input.shape).toEqual([null, card.featureSet.features.length]);
    expect(card.parity.rows).toHaveLength(card.parity.scores.length);
    expect(Object.keys(card.reference.features)).toEqual(card.featureSet.features);
  });

  it('keeps fields it does not know (a newer trainer may add some)', () => {
    const card = parseCard({ ...rawCard('sensors-pump-pca'), notes: 'x' }) as Record<string, unknown>;
    expect(card.notes).toBe('x');
  });

  it('lists every problem with its path', () => {
    const raw = rawCard('sensors-pump-pca');
    delete raw.threshold;
    raw.onnx.sha256 = 'not-a-hash';
    raw.io.input.name = 'x';
    const message = invalid(() => parseCard(raw, 'models/x/card.json'));
    expect(message).toContain('models/x/card.json');
    expect(message).toContain('threshold');
    expect(message).toContain('onnx.sha256: must be a lowercase hex sha256');
    expect(message).toContain('io.input.name');
  });

  it('refuses an input width that differs from the feature set and parity rows of the wrong width', () => {
    const raw = rawCard('sensors-pump-pca');
    raw.io.input.shape = [null, 7];
    raw.parity.rows[2] = raw.parity.rows[2].slice(1);
    const message = invalid(() => parseCard(raw));
    expect(message).toContain('declares 7 features but featureSet lists 8');
    expect(message).toContain('parity.rows.2: has 7 values, not 8');
  });

  it('refuses duplicate feature names and histograms with the wrong number of counts', () => {
    const raw = rawCard('sensors-pump-pca');
    raw.featureSet.features[1] = raw.featureSet.features[0];
    raw.reference.score.counts.push(1);
    const message = invalid(() => parseCard(raw));
    expect(message).toContain('duplicate feature names');
    expect(message).toContain('counts must have one more entry than edges');
  });

  it('reports text that is not JSON as an invalid card', () => {
    expect(invalid(() => parseCardText('{"name":', 'card.json'))).toContain('not JSON');
  });
});
