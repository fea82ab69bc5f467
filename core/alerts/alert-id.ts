import { sha256Uuid } from '../sha256.js';

/**
 * Deterministic alert id: a UUID-shaped slice of sha256(policy, key, opened event time). A replay or a retry of
 * the same input opens the same alert with the same id, so storage deduplicates it.
 */
export function alertId(policyName: string, key: string, openedAt: number): string {
  return sha256Uuid(`${policyName}\u0000${key}\u0000${openedAt}`);
}
