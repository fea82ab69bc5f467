/**
 * Which threshold the alert policy applies to one asset: the most specific of asset override > asset-type
 * override > fleet (the production model card's threshold). Pure: overrides are handed in (loaded from
 * ClickHouse by the store), lookups are O(1) per scored event.
 */
import { alertWorkflowError } from './errors.js';

export const THRESHOLD_LEVELS = ['asset', 'asset_type'] as const;
export type ThresholdLevel = (typeof THRESHOLD_LEVELS)[number];

export interface ThresholdOverride {
  readonly stream: string;
  readonly level: ThresholdLevel;
  /** Asset id (level asset) or asset type (level asset_type). */
  readonly target: string;
  readonly threshold: number;
  readonly setBy: string;
  readonly setAt: number;
  readonly reason: string;
}

export interface ResolvedThreshold {
  readonly threshold: number;
  readonly level: ThresholdLevel | 'fleet';
}

export function validateOverride(o: ThresholdOverride): ThresholdOverride {
  const fail = (reason: string): never => {
    throw alertWorkflowError('VIGIL_ALERT_WORKFLOW_INVALID_THRESHOLD', { level: o.level, target: o.target, reason });
  };
  if (!THRESHOLD_LEVELS.includes(o.level)) fail(`level must be one of ${THRESHOLD_LEVELS.join(', ')}`);
  if (o.target.trim() === '') fail('the target (asset id or asset type) is empty');
  if (!Number.isFinite(o.threshold)) fail('the threshold must be a finite number');
  if (o.setBy.trim() === '') fail('say who sets it (--by)');
  if (o.reason.trim() === '') fail('say why (--reason): overrides are audited');
  return o;
}

/** The overrides of one stream, indexed for lookups on the hot path. */
export class ThresholdResolver {
  readonly #byAsset = new Map<string, number>();
  readonly #byType = new Map<string, number>();

  constructor(overrides: readonly ThresholdOverride[], stream: string) {
    for (const o of overrides) {
      if (o.stream !== stream) continue;
      (o.level === 'asset' ? this.#byAsset : this.#byType).set(o.target, o.threshold);
    }
  }

  get size(): number {
    return this.#byAsset.size + this.#byType.size;
  }

  resolve(assetType: string, asset: string, fleetThreshold: number): ResolvedThreshold {
    const byAsset = this.#byAsset.get(asset);
    if (byAsset !== undefined) return { threshold: byAsset, level: 'asset' };
    const byType = this.#byType.get(assetType);
    if (byType !== undefined) return { threshold: byType, level: 'asset_type' };
    return { threshold: fleetThreshold, level: 'fleet' };
  }

  /** Hot-path form: the number only. */
  thresholdFor(assetType: string, asset: string, fleetThreshold: number): number {
    return this.#byAsset.get(asset) ?? this.#byType.get(assetType) ?? fleetThreshold;
  }
}
