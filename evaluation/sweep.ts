/**
 * A grid of alert-policy settings to try on one scored run (`vigil evaluate --simulate --sweep ...`), pure.
 * Spec: `k=2,3;n=5,10;openRatio=0,5;closeAfter=5,30;hysteresis=0.1;cooldown=5m,30m;stateHold=0,5m` — each named setting with its values;
 * settings not named keep the configured value. Combinations with k > n are skipped.
 */
import type { AlertPolicyConfig } from '../core/alerts/index.js';

const SETTINGS = ['k', 'n', 'openRatio', 'closeAfter', 'hysteresis', 'cooldown', 'stateHold'] as const;
/** Settings given as durations (0, 30s, 5m, 1h), and the policy field each sets. */
const DURATIONS = { cooldown: 'cooldownMs', stateHold: 'stateChangeHoldMs' } as const;
type Setting = (typeof SETTINGS)[number];

export type SweepGrid = Partial<Record<Setting, number[]>>;

export class SweepSpecError extends Error {}

function value(setting: Setting, raw: string): number {
  const text = raw.trim();
  if (setting in DURATIONS) {
    const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
    if (m === null) throw new SweepSpecError(`${setting} value "${raw}" must look like 0, 30s, 5m, 1h`);
    return Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms']);
  }
  const n = Number(text);
  const rule =
    setting === 'hysteresis'
      ? { ok: n >= 0 && n < 1, what: 'a number in [0, 1)' }
      : setting === 'openRatio'
        ? { ok: n === 0 || n > 1, what: '0 (off) or a ratio > 1' }
        : { ok: Number.isInteger(n) && n >= 1, what: 'a whole number >= 1' };
  if (text === '' || !rule.ok) throw new SweepSpecError(`${setting} value "${raw}" must be ${rule.what}`);
  return n;
}

export function parseSweep(spec: string): SweepGrid {
  const grid: SweepGrid = {};
  for (const part of spec.split(';').filter((p) => p.trim() !== '')) {
    const [name, values] = part.split('=', 2).map((s) => s.trim());
    if (!SETTINGS.includes(name as Setting) || values === undefined || values === '') {
      throw new SweepSpecError(`"${part}" must be <setting>=<v1>,<v2>,... with setting one of ${SETTINGS.join(', ')}`);
    }
    grid[name as Setting] = values.split(',').map((v) => value(name as Setting, v));
  }
  return grid;
}

/** Every combination of the grid applied to `base`, in a stable order. */
export function policiesOf(base: AlertPolicyConfig, grid: SweepGrid): AlertPolicyConfig[] {
  let out: AlertPolicyConfig[] = [base];
  for (const setting of SETTINGS) {
    const values = grid[setting];
    if (values === undefined) continue;
    const field = setting in DURATIONS ? DURATIONS[setting as keyof typeof DURATIONS] : setting;
    out = out.flatMap((p) => values.map((v) => ({ ...p, [field]: v })));
  }
  return out.filter((p) => p.k <= p.n);
}

export function describePolicy(p: AlertPolicyConfig): string {
  return `k=${p.k} n=${p.n} openRatio=${p.openRatio} closeAfter=${p.closeAfter} hysteresis=${p.hysteresis} cooldown=${p.cooldownMs / 60_000}m stateHold=${p.stateChangeHoldMs / 60_000}m`;
}
