import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors.js';
import {
  allowedTransitions,
  assertTransition,
  isModelVersionState,
  MODEL_TRANSITIONS,
  MODEL_VERSION_STATES,
  type ModelVersionState,
} from '../../core/model/lifecycle.js';

describe('model version lifecycle', () => {
  it('allows the promotion path and rollback', () => {
    expect(assertTransition('registered', 'shadow').action).toBe('shadow');
    expect(assertTransition('shadow', 'production').action).toBe('promote');
    expect(assertTransition('production', 'archived').action).toBe('rollback');
    expect(assertTransition('archived', 'production').action).toBe('restore');
  });

  it('refuses every pair not in the table, naming what is allowed', () => {
    const listed = new Set(MODEL_TRANSITIONS.map((t) => `${t.from}->${t.to}`));
    let refused = 0;
    for (const from of MODEL_VERSION_STATES) {
      for (const to of MODEL_VERSION_STATES) {
        if (listed.has(`${from}->${to}`)) continue;
        refused++;
        try {
          assertTransition(from, to);
          expect.unreachable(`${from} -> ${to} should be refused`);
        } catch (error) {
          expect(isVigilError(error, 'VIGIL_MODEL_TRANSITION_INVALID')).toBe(true);
          expect((error as Error).message).toContain(allowedTransitions(from).join(', ') || 'nothing');
        }
      }
    }
    expect(refused).toBe(16 - MODEL_TRANSITIONS.length);
  });

  it('never stays in place and never skips back from archived to shadow', () => {
    for (const state of MODEL_VERSION_STATES) expect(allowedTransitions(state)).not.toContain(state);
    expect(allowedTransitions('archived')).toEqual(['production']);
    expect(allowedTransitions('production')).toEqual(['archived']);
  });

  it('recognises state names', () => {
    const states: string[] = ['registered', 'shadow', 'production', 'archived'];
    expect(states.every(isModelVersionState)).toBe(true);
    expect(isModelVersionState('staging')).toBe(false);
    const typed: ModelVersionState = 'shadow';
    expect(isModelVersionState(typed)).toBe(true);
  });
});
