/**
 * The delivery contract in storage: a batch re-processed after a crash, split into different insert batches,
 * is seen once through the documented read path (FINAL), for inferences, raw readings and dead letters.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Row } from '../../adapters/clickhouse/index.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db?.close();
});

// One minute before the start of this month: recent enough for every table's TTL, and the data crosses a
// month (= partition) boundary.
const NOW = new Date();
const T0 = Date.UTC(NOW.getUTCFullYear(), NOW.getUTCMonth(), 1) - 60_000;

function inference(i: number, modelVersion = '3', modelRole = 'production'): Row {
  return {
    inference_id: `inf-${i}-${modelVersion}`,
    stream: 'sensors',
    key: `pump-${i % 2}`,
    event_id: `ev-${i}`,
    event_time: T0 + i * 1000,
    scored_at: Date.now(),
    score: i / 10,
    threshold: 0.5,
    anomaly: i / 10 > 0.5,
    model_name: 'pump-iforest',
    model_version: modelVersion,
    model_role: modelRole,
    feature_set: 'pump',
    feature_set_version: '1',
    features: { rms_1m: i, mean_1m: i * 2 },
    source_topic: 'vigil.sensors',
    source_partition: 0,
    source_offset: String(100 + i),
  };
}

async function insertInBatches(table: string, rows: readonly Row[], sizes: readonly number[]): Promise<void> {
  let at = 0;
  for (const size of sizes) {
    await db.ch.insertRows(table, rows.slice(at, at + size));
    at += size;
  }
  expect(at).toBe(rows.length);
}

describe('retention', () => {
  it('inferences: counted from storage, so a row scored or timed long ago is kept when parts merge', async () => {
    await db.ch.insertRows('inferences', [
      { ...inference(70), stream: 'retention', event_time: Date.UTC(2020, 0, 1), scored_at: 0 },
    ]);
    // A merge is where ClickHouse deletes expired rows; the background ones come at no fixed time.
    await db.ch.command('OPTIMIZE TABLE inferences FINAL');
    const rows = await db.ch.query<{ n: string }>("SELECT count() AS n FROM inferences WHERE stream = 'retention'");
    expect(rows).toEqual([{ n: '1' }]);
  });
});

describe('re-processed batches are seen once', () => {
  it('inferences: an event re-scored after a model swap shows once, with the version that scored it last', async () => {
    const swapped = (version: string) => ({ ...inference(40, version), stream: 'model-swap' });
    await insertInBatches('inferences', [swapped('3')], [1]);
    await insertInBatches('inferences', [swapped('5')], [1]);
    const rows = await db.ch.query<{ model_version: string }>(
      "SELECT model_version FROM inferences FINAL WHERE stream = 'model-swap'",
    );
    expect(rows).toEqual([{ model_version: '5' }]);
  });

  it('inferences: a retry split differently collapses on the idempotent key; a shadow score does not', async () => {
    const batch = Array.from({ length: 7 }, (_, i) => inference(i));
    await insertInBatches('inferences', batch, [3, 4]); // first attempt, then the crash before the offset commit
    await insertInBatches('inferences', batch, [2, 2, 3]); // the retry, split differently
    await insertInBatches('inferences', [inference(0, '4', 'shadow')], [1]); // the shadow model's score is a new row

    const raw = await db.ch.query<{ n: string }>('SELECT count() AS n FROM inferences');
    expect(Number(raw[0]?.n)).toBeGreaterThanOrEqual(8); // before a merge the copies are physically there

    const seen = await db.ch.query<{ event_id: string; model_version: string; n: string }>(
      `SELECT event_id, model_version, count() AS n FROM inferences FINAL WHERE stream = 'sensors'
       GROUP BY event_id, model_version ORDER BY event_id, model_version`,
    );
    expect(seen).toHaveLength(8);
    expect(seen.every((r) => r.n === '1')).toBe(true);

    const byKey = await db.ch.query<{ event_id: string }>(
      `SELECT event_id FROM inferences FINAL
       WHERE stream = {stream:String} AND key = {key:String} AND model_version = {version:String}
         AND event_time >= fromUnixTimestamp64Milli({from:Int64}, 'UTC') ORDER BY event_time`,
      { stream: 'sensors', key: 'pump-1', version: '3', from: T0 },
    );
    expect(byKey.map((r) => r.event_id)).toEqual(['ev-1', 'ev-3', 'ev-5']);

    const byId = await db.ch.query<{ event_id: string }>(
      'SELECT event_id FROM inferences FINAL WHERE inference_id = {id:String}',
      { id: 'inf-4-3' },
    );
    expect(byId).toEqual([{ event_id: 'ev-4' }]);
  });

  it('sensor readings: duplicates across batches (and across a month boundary in the data) are read once', async () => {
    const readings = Array.from({ length: 5 }, (_, i) => ({
      event_id: `r-${i}`,
      asset_id: 'pump-7',
      asset_type: 'pump',
      site: 'plant-a',
      line: 'l1',
      event_time: T0 + i * 30_000, // crosses into this month
      seq: i,
      channels: { temp_c: 40 + i, vib_mm_s: 1.5 },
      quality: i === 2 ? ['CALIBRATING'] : [],
      source_topic: 'vigil.sensors',
      source_partition: 1,
      source_offset: String(i),
    }));
    await insertInBatches('sensor_readings', readings, [5]);
    await insertInBatches('sensor_readings', readings, [1, 1, 3]);
    const rows = await db.ch.query<{ event_id: string; temp: number; quality: string[] }>(
      `SELECT event_id, channels['temp_c'] AS temp, quality FROM sensor_readings FINAL
       WHERE asset_id = {asset:String} ORDER BY event_time`,
      { asset: 'pump-7' },
    );
    expect(rows.map((r) => r.event_id)).toEqual(['r-0', 'r-1', 'r-2', 'r-3', 'r-4']);
    expect(rows[2]).toEqual({ event_id: 'r-2', temp: 42, quality: ['CALIBRATING'] });
  });

  it('dead letters: the same source coordinates are one row, with the original bytes intact', async () => {
    const allBytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const letter = (receivedAt: number) => ({
      stream: 'sensors',
      source_topic: 'vigil.sensors',
      source_partition: 2,
      source_offset: '9007199254740993',
      key_base64: null,
      value_base64: allBytes.toString('base64'),
      reason: 'UNDECODABLE',
      message: 'magic byte 0x00 expected',
      received_at: receivedAt,
    });
    // The retry happens after a month boundary: another partition, still one row for readers.
    await db.ch.insertRows('dead_letters', [letter(T0 + 59_000)]);
    await db.ch.insertRows('dead_letters', [letter(T0 + 65_000)]);
    const rows = await db.ch.query<{ key: string | null; value: string; offset: string; n: string }>(
      `SELECT record_key AS key, base64Encode(record_value) AS value, toString(source_offset) AS offset,
              count() OVER () AS n
       FROM dead_letters FINAL WHERE source_topic = {topic:String}`,
      { topic: 'vigil.sensors' },
    );
    expect(rows).toHaveLength(1);
    expect(rows[0]?.key).toBeNull();
    expect(Buffer.from(rows[0]?.value ?? '', 'base64').equals(allBytes)).toBe(true);
    expect(rows[0]?.offset).toBe('9007199254740993');
  });

  it('alerts_current: the latest transition and the latest acknowledgement, once per alert', async () => {
    const alert = (version: number, state: string, closedAt: number | null) => ({
      alert_id: 'al-1',
      stream: 'sensors',
      key: 'pump-1',
      state,
      severity: 'high',
      opened_at: T0,
      closed_at: closedAt,
      event_time: closedAt ?? T0,
      score: 0.93,
      model_name: 'pump-iforest',
      model_version: '3',
      contributors: [{ channel: 'vib_mm_s', value: 9.1, normal_low: 0.5, normal_high: 3, z_score: 6.2 }],
      version,
    });
    await db.ch.insertRows('alerts', [alert(1, 'open', null)]);
    await db.ch.insertRows('alerts', [alert(2, 'closed', T0 + 60_000), alert(1, 'open', null)]); // retry of v1 too
    await db.ch.insertRows('alert_acknowledgements', [
      {
        alert_id: 'al-1',
        stream: 'sensors',
        key: 'pump-1',
        ack_by: 'ana',
        ack_at: T0 + 1,
        verdict: 'unsure',
        comment: '',
      },
      {
        alert_id: 'al-1',
        stream: 'sensors',
        key: 'pump-1',
        ack_by: 'ana',
        ack_at: T0 + 2,
        verdict: 'real_fault',
        comment: 'bearing',
      },
    ]);
    const rows = await db.ch.query<Record<string, unknown>>(
      `SELECT alert_id, state, verdict, comment, contributors[1].channel AS top
       FROM alerts_current WHERE key = {key:String} AND severity = {severity:String}`,
      { key: 'pump-1', severity: 'high' },
    );
    expect(rows).toEqual([
      { alert_id: 'al-1', state: 'closed', verdict: 'real_fault', comment: 'bearing', top: 'vib_mm_s' },
    ]);
  });
});
