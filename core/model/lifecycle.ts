/**
 * The states of a model version and the only transitions allowed between them, as one table (the registry
 * applies it; the API and CLI show it). A version is registered when trained, may shadow the production version
 * (scored, never alerting), becomes production when promoted, and is archived when superseded, rolled back or
 * discarded. Rollback = the production version goes to archived and a previously archived version returns to
 * production, so archived -> production exists for that case only (the registry records why).
 */
import { modelError } from './errors.js';

export const MODEL_VERSION_STATES = ['registered', 'shadow', 'production', 'archived'] as const;
export type ModelVersionState = (typeof MODEL_VERSION_STATES)[number];

export interface ModelTransition {
  readonly from: ModelVersionState;
  readonly to: ModelVersionState;
  /** What the operator did, for audit rows and help texts. */
  readonly action: 'shadow' | 'unshadow' | 'promote' | 'archive' | 'rollback' | 'restore';
  readonly meaning: string;
}

export const MODEL_TRANSITIONS: readonly ModelTransition[] = [
  { from: 'registered', to: 'shadow', action: 'shadow', meaning: 'score live traffic beside production, no alerts' },
  { from: 'registered', to: 'production', action: 'promote', meaning: 'promote without a shadow period' },
  { from: 'registered', to: 'archived', action: 'archive', meaning: 'discard a version never used' },
  { from: 'shadow', to: 'production', action: 'promote', meaning: 'promote after shadowing' },
  { from: 'shadow', to: 'registered', action: 'unshadow', meaning: 'stop shadowing, keep the version' },
  { from: 'shadow', to: 'archived', action: 'archive', meaning: 'discard after shadowing' },
  {
    from: 'production',
    to: 'archived',
    action: 'rollback',
    meaning: 'leave production: superseded by a promotion or rolled back',
  },
  {
    from: 'archived',
    to: 'production',
    action: 'restore',
    meaning: 'return to production as the target of a rollback',
  },
];

export function allowedTransitions(from: ModelVersionState): ModelVersionState[] {
  return MODEL_TRANSITIONS.filter((t) => t.from === from).map((t) => t.to);
}

export function isModelVersionState(value: string): value is ModelVersionState {
  return (MODEL_VERSION_STATES as readonly string[]).includes(value);
}

/** Returns the transition, or throws VIGIL_MODEL_TRANSITION_INVALID naming the states reachable from `from`. */
export function assertTransition(from: ModelVersionState, to: ModelVersionState): ModelTransition {
  const transition = MODEL_TRANSITIONS.find((t) => t.from === from && t.to === to);
  if (transition) return transition;
  const allowed = allowedTransitions(from);
  throw modelError('VIGIL_MODEL_TRANSITION_INVALID', { from, to, allowed: allowed.join(', ') || 'nothing' });
}
