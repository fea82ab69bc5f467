/**
 * Alert policy settings, validated once (every problem listed) and frozen. Cross-field rules: k <= n, severity
 * bands strictly increasing.
 */
import { z } from 'zod';
import { alertsError } from './errors.js';

export interface SeverityBands {
  /** Ratio score/threshold (see README) from which an alert is medium, high, critical; below medium it is low. */
  readonly medium: number;
  readonly high: number;
  readonly critical: number;
}

export interface AlertPolicyConfig {
  /** Part of every alert id: two policies on one key never share ids. */
  readonly name: string;
  /** Open when at least k of the last n scores are anomalous (score > threshold). */
  readonly k: number;
  readonly n: number;
  /**
   * A single score at least this far past the threshold (score/threshold ratio, see severity.ts) opens an alert
   * at once, without waiting for k of n: a gross deviation (a spike lasts 1-3 samples) needs no confirmation.
   * 0 turns it off.
   */
  readonly openRatio: number;
  /** Close after this many consecutive scores below threshold - hysteresis * |threshold|. */
  readonly closeAfter: number;
  readonly hysteresis: number;
  /** After a close, no new alert opens for the key before this much event time has passed. */
  readonly cooldownMs: number;
  /**
   * After the key's operating state changes (derived from ScoredEvent.speed: an asset starts, stops or changes
   * speed), no new alert opens for this much event time: a start-up or a coast-down moves every channel at once, and it is normal. Scores
   * keep counting, so an anomaly that outlasts the hold opens at its end. 0 turns it off.
   */
  readonly stateChangeHoldMs: number;
  readonly severityBands: SeverityBands;
  /** How many contributing channels an alert names. */
  readonly topContributors: number;
  /** Normal band of a contributor: mean +- this many standard deviations of the longest window. */
  readonly normalBandSigmas: number;
}

const schema = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must use only letters, digits, ".", "_" and "-"'),
    k: z.number().int().min(1, 'must be >= 1'),
    n: z.number().int().min(1, 'must be >= 1').max(1000, 'must be <= 1000'),
    openRatio: z.number().refine((v) => v === 0 || v > 1, 'must be 0 (off) or a ratio > 1'),
    closeAfter: z.number().int().min(1, 'must be >= 1'),
    hysteresis: z.number().min(0, 'must be in [0, 1)').lt(1, 'must be in [0, 1)'),
    cooldownMs: z.number().int().min(0, 'must be >= 0'),
    stateChangeHoldMs: z.number().int().min(0, 'must be >= 0'),
    severityBands: z.strictObject({
      medium: z.number().min(1, 'must be >= 1'),
      high: z.number(),
      critical: z.number(),
    }),
    topContributors: z.number().int().min(0).max(50),
    normalBandSigmas: z.number().positive('must be > 0'),
  })
  .superRefine((c, ctx) => {
    if (c.k > c.n) {
      ctx.addIssue({ code: 'custom', path: ['k'], message: `k (${c.k}) must be <= n (${c.n}): lower k or widen n` });
    }
    const b = c.severityBands;
    if (!(b.medium < b.high && b.high < b.critical)) {
      ctx.addIssue({
        code: 'custom',
        path: ['severityBands'],
        message: `must increase strictly: medium ${b.medium} < high ${b.high} < critical ${b.critical}`,
      });
    }
  });

export const DEFAULT_ALERT_POLICY: Omit<AlertPolicyConfig, 'name'> = {
  k: 3,
  n: 5,
  openRatio: 0,
  closeAfter: 5,
  hysteresis: 0.1,
  cooldownMs: 300_000,
  stateChangeHoldMs: 0,
  severityBands: { medium: 1.1, high: 1.25, critical: 1.5 },
  topContributors: 3,
  normalBandSigmas: 3,
};

export function defineAlertPolicy(input: unknown): AlertPolicyConfig {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    const name = typeof input === 'object' && input !== null && 'name' in input ? String(input.name) : '(unnamed)';
    const problems = parsed.error.issues
      .map((issue) => `  - ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('\n');
    throw alertsError('VIGIL_ALERTS_INVALID_POLICY', { name, problems });
  }
  const c = parsed.data;
  return Object.freeze({ ...c, severityBands: Object.freeze({ ...c.severityBands }) });
}

/** An AlertPolicyConfig from the `alerts` config section (config.alerts) and a policy name. */
export function alertPolicyFromConfig(name: string, values: Omit<AlertPolicyConfig, 'name'>): AlertPolicyConfig {
  return defineAlertPolicy({ name, ...values, severityBands: { ...values.severityBands } });
}
