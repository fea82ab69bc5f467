import { createHash } from 'node:crypto';

/**
 * Deterministic inference id (UUID-shaped, from sha256 of the idempotent key): a retried or re-processed event
 * gets the same id, so its row replaces itself (clickhouse/0003_inferences.sql). The model version is not part of
 * it, for the same reason it is not part of the table's key.
 */
export function inferenceId(stream: string, eventId: string, modelName: string, role: string, runId: string): string {
  const hex = createHash('sha256')
    .update(`${stream}\u0000${eventId}\u0000${modelName}\u0000${role}\u0000${runId}`)
    .digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
