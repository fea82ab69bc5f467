import { createHash } from 'node:crypto';

/**
 * Deterministic alert id: a UUID-shaped slice of sha256(policy, key, opened event time). A replay or a retry of
 * the same input opens the same alert with the same id, so storage deduplicates it.
 */
export function alertId(policyName: string, key: string, openedAt: number): string {
  const hex = createHash('sha256').update(`${policyName}\u0000${key}\u0000${openedAt}`).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
