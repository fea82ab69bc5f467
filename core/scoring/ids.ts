import { sha256Uuid } from '../sha256.js';

/**
 * Deterministic inference id (UUID-shaped, from sha256 of the idempotent key): a retried or re-processed event
 * gets the same id, so its row replaces itself (clickhouse/0003_inferences.sql). The model version is not part of
 * it, for the same reason it is not part of the table's key.
 */
export function inferenceId(stream: string, eventId: string, modelName: string, role: string, runId: string): string {
  return sha256Uuid(`${stream}\u0000${eventId}\u0000${modelName}\u0000${role}\u0000${runId}`);
}
