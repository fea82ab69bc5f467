/**
 * The ClickHouse sink against a bulk insert of the same rows: the processor makes one insert per table per
 * fetched batch (raw, features, inferences, alerts, in OutputWriter's order); the ceiling sends each table's rows
 * in one insert. Both through the same adapter (JSONEachRow into chDB), on truncated tables.
 */
import type { ClickHouse, Row } from '../../adapters/clickhouse/index.js';
import type { ProcessorRows } from '../lib/scored-rows.js';

const TABLES = ['sensor_readings', 'features', 'inferences', 'alerts'] as const;
const FIELD: Record<(typeof TABLES)[number], keyof ProcessorRows> = {
  sensor_readings: 'raw',
  features: 'features',
  inferences: 'inferences',
  alerts: 'alerts',
};

async function truncate(ch: ClickHouse): Promise<void> {
  for (const table of TABLES) await ch.command(`TRUNCATE TABLE IF EXISTS ${table}`);
}

export function rowCount(batches: readonly ProcessorRows[]): number {
  return batches.reduce((s, b) => s + b.raw.length + b.features.length + b.inferences.length + b.alerts.length, 0);
}

/** Rows/s of processor-sized inserts (one per table per batch). */
export async function batchedSinkRate(ch: ClickHouse, batches: readonly ProcessorRows[]): Promise<number> {
  await truncate(ch);
  const started = performance.now();
  for (const batch of batches) for (const table of TABLES) await ch.insertRows(table, batch[FIELD[table]]);
  return rowCount(batches) / ((performance.now() - started) / 1000);
}

/** Rows/s of one insert per table; also the seconds each table took (where the sink's time goes). */
export async function bulkInsertRate(
  ch: ClickHouse,
  batches: readonly ProcessorRows[],
): Promise<{ rate: number; secondsByTable: Record<string, number> }> {
  await truncate(ch);
  const all = Object.fromEntries(TABLES.map((t) => [t, batches.flatMap((b) => b[FIELD[t]]) as Row[]]));
  const secondsByTable: Record<string, number> = {};
  const started = performance.now();
  for (const table of TABLES) {
    const t0 = performance.now();
    await ch.insertRows(table, all[table]!);
    secondsByTable[table] = (performance.now() - t0) / 1000;
  }
  return { rate: rowCount(batches) / ((performance.now() - started) / 1000), secondsByTable };
}
