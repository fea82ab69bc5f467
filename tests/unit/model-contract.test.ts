import { describe, expect, it } from 'vitest';
import { isVigilError, type VigilError } from '../../core/errors.js';
import { checkContract, contractDifferences } from '../../core/model/contract.js';

const featureSet = { name: 'sensors-pump', version: 1, hash: 'abc', features: ['flow', 'pressure', 'current'] };
const card = { name: 'sensors-pump', version: 'v1', featureSet };

function mismatch(fs: typeof featureSet): VigilError {
  try {
    checkContract(card, fs);
  } catch (error) {
    if (isVigilError(error, 'VIGIL_MODEL_CONTRACT_MISMATCH')) return error;
    throw error;
  }
  throw new Error('expected VIGIL_MODEL_CONTRACT_MISMATCH');
}

describe('checkContract', () => {
  it('accepts the same feature set (a numeric and a string version are the same version)', () => {
    expect(() => checkContract(card, { ...featureSet, version: '1' as unknown as number })).not.toThrow();
    expect(contractDifferences(card, featureSet)).toEqual([]);
  });

  it('lists name, version and hash differences together', () => {
    const error = mismatch({ ...featureSet, name: 'sensors-fan', version: 2, hash: 'def' });
    expect(error.message).toContain('sensors-pump@v1');
    expect(error.message).toContain('name: model has "sensors-pump", processor "sensors-fan"');
    expect(error.message).toContain('version: model has 1, processor 2');
    expect(error.message).toContain('hash: model has abc, processor def');
    expect(error.status).toBe(409);
  });

  it('names missing and extra features and the count difference', () => {
    const error = mismatch({ ...featureSet, features: ['flow', 'pressure', 'speed', 'temperature'] });
    expect(error.message).toContain('feature count: model has 3, processor 4');
    expect(error.message).toContain('features the model lacks: speed, temperature');
    expect(error.message).toContain('features only the model has: current');
  });

  it('refuses the same features in another order, naming the moved ones', () => {
    const error = mismatch({ ...featureSet, features: ['pressure', 'flow', 'current'] });
    expect(error.message).toContain('feature order differs: flow at 0 (processor: 1), pressure at 1 (processor: 0)');
    expect(error.message).not.toContain('current at');
  });
});

describe('checkContract with the feature engine shape', () => {
  it('accepts a FeatureSet that names its ordered features featureNames', () => {
    const engineSet = {
      name: 'sensors-pump',
      version: '1',
      hash: 'abc',
      featureNames: ['flow', 'pressure', 'current'],
    };
    expect(() => checkContract(card, engineSet)).not.toThrow();
    expect(contractDifferences(card, { ...engineSet, featureNames: ['flow', 'current', 'pressure'] })).toEqual([
      'feature order differs: pressure at 1 (processor: 2), current at 2 (processor: 1)',
    ]);
  });
});
