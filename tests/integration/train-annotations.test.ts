/**
 * `vigil train` from ClickHouse with what people declared: readings inside a maintenance window (and the rows
 * whose windows still hold them) are left out of the export unless VIGIL_TRAIN_EXCLUDE_MAINTENANCE=false, and
 * verdicts become labels (real_fault: the alert's span is anomalous; false_alarm: stays normal).
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parquetRead } from 'hyparquet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertRow, sensorReadingRow } from '../../adapters/clickhouse/rows.js';
import { storedHistory } from '../../cli/commands/train-history.js';
import { configWith } from '../../core/config/index.js';
import type { SensorReading } from '../../core/events/types.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { exportDataset, warmupOf } from '../../training/export/export-dataset.js';
import { REAL_FAULT_LABEL } from '../../training/export/operator-annotations.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

const MIN = 60_000;
const T0 = Date.UTC(2026, 5, 1, 8);
const FROM = T0 + 20 * MIN;
const TO = T0 + 80 * MIN;
const MAINTENANCE = { start: FROM + 5 * MIN, end: FROM + 10 * MIN };
const REAL = { start: FROM + 35 * MIN, end: FROM + 38 * MIN };
const FALSE = { start: FROM + 45 * MIN, end: FROM + 48 * MIN };

let db: TestClickHouse;
let asset: string;

beforeAll(async () => {
  db = await openTestClickHouse();
  // One pump, no faults of the simulator's own: every label comes from the verdicts.
  const sim = new PlantSimulator(withOverrides(defaultPlant(), { faultsPerAssetPerDay: 0 }), {
    seed: 3,
    start: T0,
    end: TO,
    assets: 1,
  });
  const readings: SensorReading[] = [];
  for (let r = sim.next(); r !== null; r = sim.next()) readings.push(r);
  asset = readings[0]!.assetId;
  expect(readings[0]!.assetType).toBe('pump');
  await db.ch.insertRows(
    'sensor_readings',
    readings.map((r, i) => sensorReadingRow(r, { topic: 't', partition: 0, offset: String(i) })),
  );
  await db.ch.insertRows('maintenance_windows', [
    {
      window_id: 'w1',
      stream: 'sensors',
      key: asset,
      mode: 'maintenance',
      starts_at: MAINTENANCE.start,
      ends_at: MAINTENANCE.end,
      reason: 'bearing change',
      created_by: 'test',
      created_at: MAINTENANCE.start,
      updated_at: MAINTENANCE.start,
    },
  ]);
  const alert = (id: string, span: { start: number; end: number }) =>
    alertRow({
      alertId: id,
      stream: 'sensors',
      key: asset,
      state: 'closed',
      severity: 'high',
      openedAt: span.start,
      closedAt: span.end,
      eventTime: span.end,
      score: 2,
      modelName: 'sensors-pump',
      modelVersion: '1',
      contributors: [],
    });
  await db.ch.insertRows('alerts', [alert('a-real', REAL), alert('a-false', FALSE)]);
  await db.ch.insertRows(
    'alert_acknowledgements',
    [
      ['a-real', 'real_fault'],
      ['a-false', 'false_alarm'],
    ].map(([id, verdict]) => ({
      alert_id: id,
      stream: 'sensors',
      key: asset,
      action: 'resolved',
      ack_by: 'operator',
      ack_at: TO,
      verdict,
      comment: '',
    })),
  );
}, 120_000);

afterAll(async () => {
  await db?.close();
});

async function exported(env: Record<string, string>): Promise<{ time: number; label: string | null }[]> {
  const config = configWith({ ...db.env, ...env });
  const history = await storedHistory(db.ch, config, {
    stream: 'sensors',
    subject: 'pump',
    from: FROM,
    to: TO,
    seed: 1,
  });
  const { snapshot } = await exportDataset({
    ...(history as Parameters<typeof exportDataset>[0]),
    from: FROM,
    to: TO,
    sampleEveryMs: 30_000,
    outDir: mkdtempSync(join(tmpdir(), 'vigil-train-annotations-')),
    baseName: 'sensors-pump',
    codeCommit: null,
  });
  const { readFileSync } = await import('node:fs');
  const bytes = readFileSync(snapshot.path);
  let rows: unknown[][] = [];
  await parquetRead({
    file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
    columns: ['event_time', 'label'],
    onComplete: (r: unknown[][]) => {
      rows = r;
    },
  });
  return rows.map(([t, label]) => ({
    time: Number(t instanceof Date ? t.getTime() : t),
    label: label as string | null,
  }));
}

describe('training export with maintenance windows and verdicts', () => {
  it('leaves out maintenance and its window aftermath, labels confirmed alerts, keeps false alarms normal', async () => {
    const rows = await exported({});
    const grace = warmupOf(
      (
        await storedHistory(db.ch, configWith(db.env), {
          stream: 'sensors',
          subject: 'pump',
          from: FROM,
          to: TO,
          seed: 1,
        })
      ).featureSet,
    );
    const inside = (s: { start: number; end: number }, extra = 0) =>
      rows.filter((r) => r.time >= s.start && r.time <= s.end + extra);
    expect(rows.length).toBeGreaterThan(60);
    expect(inside(MAINTENANCE, grace)).toEqual([]);
    expect(rows.some((r) => r.time > MAINTENANCE.end + grace)).toBe(true);
    expect(inside(REAL).length).toBeGreaterThan(0);
    expect(inside(REAL).every((r) => r.label === REAL_FAULT_LABEL)).toBe(true);
    expect(inside(FALSE).length).toBeGreaterThan(0);
    expect(inside(FALSE).every((r) => r.label === null)).toBe(true);
    expect(rows.filter((r) => r.label !== null)).toHaveLength(inside(REAL).length);
  });

  it('keeps maintenance rows and ignores verdicts when told to', async () => {
    const rows = await exported({ VIGIL_TRAIN_EXCLUDE_MAINTENANCE: 'false', VIGIL_TRAIN_USE_VERDICTS: 'false' });
    expect(rows.filter((r) => r.time >= MAINTENANCE.start && r.time <= MAINTENANCE.end).length).toBeGreaterThan(5);
    expect(rows.every((r) => r.label === null)).toBe(true);
  });
});
