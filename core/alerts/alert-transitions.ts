/**
 * The alert lifecycle of one key as an explicit table: which trigger moves which phase where, and which alert
 * record (if any) the move emits. Anything not in the table leaves the phase unchanged and emits nothing.
 */
export type AlertPhase = 'idle' | 'open' | 'cooling';
export type AlertTrigger = 'kOfNAnomalous' | 'severityRose' | 'calmForM' | 'cooldownOver';
export type AlertEmission = 'opened' | 'updated' | 'closed' | null;

export const ALERT_TRANSITIONS: Readonly<
  Record<AlertPhase, Partial<Record<AlertTrigger, { readonly to: AlertPhase; readonly emit: AlertEmission }>>>
> = {
  idle: { kOfNAnomalous: { to: 'open', emit: 'opened' } },
  open: { severityRose: { to: 'open', emit: 'updated' }, calmForM: { to: 'cooling', emit: 'closed' } },
  cooling: { cooldownOver: { to: 'idle', emit: null } },
};

export function transition(phase: AlertPhase, trigger: AlertTrigger): { to: AlertPhase; emit: AlertEmission } | null {
  return ALERT_TRANSITIONS[phase][trigger] ?? null;
}
