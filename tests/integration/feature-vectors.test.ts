/**
 * Feature vectors as stored (adapters/clickhouse/rows.ts): values in `features.vector`, names once per set version in
 * `feature_sets`, inference rows of the stream referring to them, API and evaluation rows with their vector inline.
 * The shared SQL maps them back for rows written each way (before migration 0015 a features row held a map, before
 * 0017 an inline vector was a map), in one query, against the real engine.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeatureSetNames } from '../../adapters/clickhouse/feature-set-names.js';
import {
  FEATURE_MAP_OF_ROW,
  FEATURE_SETS_JOIN,
  FEATURES_OF_INFERENCE,
  featureRow,
  featureSetRows,
  inferenceRow,
  joinFeatures,
} from '../../adapters/clickhouse/rows.js';
import type { Inference } from '../../core/events/types.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { vectorOfRow } from '../helpers/vector-bytes.js';

let db: TestClickHouse;
beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db?.close();
});

const T = Date.UTC(2026, 2, 2, 6);

const vector = (eventId: string, features: Record<string, number>) => ({
  stream: 'sensors',
  key: 'P-1',
  eventId,
  eventTime: T + Number(eventId.slice(1)) * 1000,
  featureSet: 'pump',
  featureSetVersion: 'v1',
  features,
});

function inference(eventId: string, features: Record<string, number>): Inference {
  return {
    inferenceId: `i-${eventId}`,
    stream: 'sensors',
    key: 'P-1',
    eventId,
    eventTime: T + Number(eventId.slice(1)) * 1000,
    scoredAt: T,
    score: 0.5,
    threshold: 1,
    anomaly: false,
    modelName: 'sensors-pump',
    modelVersion: 'sha-1',
    modelRole: 'production',
    featureSet: 'pump',
    featureSetVersion: 'v1',
    features,
    sourceTopic: 't',
    sourcePartition: 0,
    sourceOffset: eventId.slice(1),
  };
}

describe('feature vectors', () => {
  it('map back to names for new rows, legacy map rows and inline inferences in one query', async () => {
    const fresh = vector('e1', { 'temp.w1m.mean': 41.5, 'temp.w1m.std': 0.25, 'vib.w1m.max': 3 });
    await db.ch.insertRows(
      'feature_sets',
      featureSetRows([fresh]).map((s) => s.row),
    );
    await db.ch.insertRows('features', [featureRow(fresh)]);
    // A row as written before vectors existed: the map itself, no vector.
    await db.ch.insertRows('features', [
      {
        stream: 'sensors',
        key: 'P-1',
        event_id: 'e2',
        event_time: T + 2000,
        feature_set: 'pump',
        feature_set_version: 'v1',
        features: { 'temp.w1m.mean': 40 },
      },
    ]);
    const inline = { 'temp.w1m.mean': 7, 'temp.w1m.std': 0.5, 'vib.w1m.max': 2 };
    await db.ch.insertRows('inferences', [
      inferenceRow(inference('e1', fresh.features), {}, 'features-table'),
      inferenceRow(inference('e2', {}), {}, 'features-table'),
      inferenceRow(inference('e3', inline), {}, 'inline'),
      // An API row as written before clickhouse/0017: the map inline, no vector.
      { ...inferenceRow(inference('e4', {}), {}, 'features-table'), features: { 'temp.w1m.mean': 9 } },
    ]);

    const rows = await db.ch.query<{ event_id: string; features: Record<string, number> }>(
      `SELECT f.event_id AS event_id, ${FEATURE_MAP_OF_ROW} AS features
       FROM features AS f FINAL ${FEATURE_SETS_JOIN} ORDER BY event_id`,
    );
    expect(rows).toEqual([
      { event_id: 'e1', features: fresh.features },
      { event_id: 'e2', features: { 'temp.w1m.mean': 40 } },
    ]);

    const inferences = await db.ch.query<{ event_id: string; features: Record<string, number> }>(
      `SELECT i.event_id AS event_id, ${FEATURES_OF_INFERENCE} AS features
       FROM inferences AS i FINAL ${joinFeatures("stream = 'sensors'")} ORDER BY event_id`,
    );
    expect(inferences).toEqual([
      { event_id: 'e1', features: fresh.features },
      { event_id: 'e2', features: { 'temp.w1m.mean': 40 } },
      { event_id: 'e3', features: inline },
      { event_id: 'e4', features: { 'temp.w1m.mean': 9 } },
    ]);
    expect(vectorOfRow(inferenceRow(inference('e3', inline), {}, 'inline'))).toEqual([7, 0.5, 2]);
  });

  it('stores the very values it is given, sent as bytes, in features and inline inference vectors', async () => {
    const awkward = [1 / 3, 1e-300, 5e-324, Number.MAX_VALUE, -123.456, 0.1 + 0.2, 2 ** 53 + 2];
    const features = Object.fromEntries(awkward.map((v, i) => [`f${i}`, v]));
    const row = { ...vector('e7', features), featureSetVersion: 'exact' };
    await db.ch.insertRows('features', [featureRow(row)]);
    await db.ch.insertRows('inferences', [inferenceRow(inference('e7', features), {}, 'inline')]);
    const stored = await db.ch.query<{ vector: number[] }>(
      `SELECT vector FROM features FINAL WHERE event_id = 'e7'
       UNION ALL SELECT vector FROM inferences FINAL WHERE event_id = 'e7'`,
    );
    expect(stored).toEqual([{ vector: awkward }, { vector: awkward }]);
  });

  it('FeatureSetNames writes the names of a set version once per process', async () => {
    const names = new FeatureSetNames(db.ch);
    const v9 = { ...vector('e1', { x: 1, y: 2 }), featureSetVersion: 'v9' };
    const count = async () =>
      Number(
        (await db.ch.query<{ n: string }>("SELECT count() AS n FROM feature_sets WHERE feature_set_version = 'v9'"))[0]
          ?.n,
      );
    await names.ensure([v9, { ...v9, eventId: 'e2' }]);
    await names.ensure([v9]);
    expect(await count()).toBe(1);
    await new FeatureSetNames(db.ch).ensure([v9]);
    expect(await count()).toBe(2);
  });

  it('writes the names once per set version, in vector order', () => {
    const a = vector('e1', { b: 1, a: 2 });
    const rows = featureSetRows([a, vector('e2', { b: 3, a: 4 }), { ...a, featureSetVersion: 'v2' }]);
    expect(rows.map((r) => r.row)).toEqual([
      { feature_set: 'pump', feature_set_version: 'v1', names: ['b', 'a'] },
      { feature_set: 'pump', feature_set_version: 'v2', names: ['b', 'a'] },
    ]);
    expect(vectorOfRow(featureRow(a))).toEqual([1, 2]);
  });
});
