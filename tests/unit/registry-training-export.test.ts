/**
 * The training export (training/export) and the registry's error catalogues: labels from ground truth, rows equal
 * to the stream's own feature vectors, a snapshot whose bytes depend on the rows and not their order, and every
 * registry/training code documented (the shared documentation test does not load registry/ and training/).
 */
import { readFileSync } from 'node:fs';
import { parquetRead } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { configWith } from '../../core/config/index.js';
import { registeredErrorCodes } from '../../core/errors.js';
import type { SensorReading } from '../../core/events/types.js';
import { createFeatureEngine } from '../../core/features/index.js';
import { channelSpecs } from '../../core/plant/catalogue.js';
import { sensorStream } from '../../core/scoring/index.js';
import '../../registry/errors.js';
import '../../adapters/model-store/errors.js';
import '../../training/export/errors.js';
import { FeatureRowCollector } from '../../training/export/feature-rows.js';
import { faultAftermath, faultLabeler } from '../../training/export/labels.js';
import { snapshotBytes } from '../../training/export/parquet-snapshot.js';

const config = configWith({});
const stream = sensorStream(config.features, (t) => channelSpecs(t)?.map((c) => c.name));
const set = stream.featureSet('pump')!;
const T0 = Date.UTC(2026, 0, 5);

function reading(asset: string, i: number): SensorReading {
  return {
    eventId: `${asset}-${i}`,
    assetId: asset,
    assetType: 'pump',
    site: 's',
    line: 'l',
    eventTime: T0 + i * 1000,
    seq: i,
    channels: { speed: 2950 + (i % 7), motor_current: 50 + Math.sin(i / 30), flow: 140 + (i % 11) / 3 },
    quality: [],
  };
}

describe('faultLabeler', () => {
  const label = faultLabeler([
    { key: 'P1', kind: 'spike', start: 100, end: 200 },
    { key: 'P1', kind: 'drift', start: 150, end: 300 },
    { key: 'P2', kind: 'stuck', start: 0, end: 10 },
  ]);

  it('labels times inside a span of the same key (ends inclusive), null elsewhere', () => {
    expect(label('P1', 99)).toBeNull();
    expect(label('P1', 100)).toBe('spike');
    expect(label('P1', 300)).toBe('drift');
    expect(label('P1', 301)).toBeNull();
    expect(label('P2', 150)).toBeNull();
    expect(label('P3', 5)).toBeNull();
  });

  it('gives an overlap to the span that started last', () => {
    expect(label('P1', 160)).toBe('drift');
  });
});

describe('faultAftermath', () => {
  const inAftermath = faultAftermath(
    [
      { key: 'P1', kind: 'spike', start: 100, end: 100 },
      { key: 'P1', kind: 'stuck', start: 130, end: 200 },
    ],
    50,
  );

  it('names times within the grace after a fault of the same key, outside every fault span', () => {
    expect([99, 100, 101, 129, 130, 200, 201, 250, 251].map((t) => inAftermath('P1', t))).toEqual([
      false,
      false,
      true,
      true,
      false,
      false,
      true,
      true,
      false,
    ]);
    expect(inAftermath('P2', 101)).toBe(false);
  });
});

describe('FeatureRowCollector', () => {
  const events = [
    ...Array.from({ length: 1500 }, (_, i) => reading('P-1', i)),
    ...Array.from({ length: 1500 }, (_, i) => reading('P-2', i)),
  ];
  const from = T0 + 16 * 60_000;
  const to = T0 + 24 * 60_000;

  it('keeps ready vectors in [from, to), sampled per key, equal to the feature engine vectors', () => {
    const collector = new FeatureRowCollector(stream, 'pump', set, { from, to, sampleEveryMs: 10_000 });
    for (const e of events) collector.add(e);
    const rows = collector.finish(faultLabeler([{ key: 'P-2', kind: 'spike', start: from, end: from + 30_000 }]));
    expect(rows.keys.length).toBe(2 * 48);
    expect(Math.min(...rows.eventTimes)).toBeGreaterThanOrEqual(from);
    expect(Math.max(...rows.eventTimes)).toBeLessThan(to);
    expect(rows.labels.filter((l) => l === 'spike')).toHaveLength(4);
    expect(collector.stats).toMatchObject({ rows: 2 * 48, excluded: 0 });

    // The stream's own engine over the same ordered input gives the same vector for the first kept row.
    const engine = createFeatureEngine(set);
    let vector: Float64Array | undefined;
    for (const e of events) {
      const r = engine.process(stream.toFeatureEvent(e));
      if (e.assetId === rows.keys[0] && e.eventTime === rows.eventTimes[0]) vector = r.vector;
    }
    expect(rows.columns.map((c) => c[0])).toEqual(Array.from(vector!));
  });

  it('leaves out the rows an exclusion names (the aftermath of a fault) and counts them', () => {
    const collector = new FeatureRowCollector(stream, 'pump', set, { from, to, sampleEveryMs: 10_000 });
    for (const e of events) collector.add(e);
    const truth = [{ key: 'P-2', kind: 'spike', start: from, end: from + 30_000 }];
    const rows = collector.finish(faultLabeler(truth), faultAftermath(truth, 60_000));
    // P-2 keeps a row every 10 s: 4 in the spike span, 6 in the minute after it are left out.
    expect(rows.keys.length).toBe(2 * 48 - 6);
    expect(collector.stats).toMatchObject({ rows: 2 * 48 - 6, excluded: 6 });
    expect(rows.labels.filter((l) => l === 'spike')).toHaveLength(4);
    expect(rows.columns.every((c) => c.length === rows.keys.length)).toBe(true);
    expect(rows.eventTimes.some((t, i) => rows.keys[i] === 'P-2' && t > from + 30_000 && t <= from + 90_000)).toBe(
      false,
    );
  });

  it('skips other subjects and counts duplicates', () => {
    const collector = new FeatureRowCollector(stream, 'pump', set, { from, to, sampleEveryMs: 0 });
    collector.add({ ...reading('C-1', 0), assetType: 'compressor' });
    collector.add(reading('P-1', 0));
    collector.add(reading('P-1', 0));
    expect(collector.stats).toMatchObject({ otherSubject: 1, accepted: 1, duplicates: 1, rows: 0 });
  });
});

describe('snapshot bytes', () => {
  function rowsOf(order: 'forward' | 'reverse') {
    const collector = new FeatureRowCollector(stream, 'pump', set, {
      from: T0 + 16 * 60_000,
      to: T0 + 20 * 60_000,
      sampleEveryMs: 30_000,
    });
    const a = Array.from({ length: 1200 }, (_, i) => reading('P-1', i));
    const b = Array.from({ length: 1200 }, (_, i) => reading('P-2', i));
    for (const e of order === 'forward' ? [...a, ...b] : [...b, ...a]) collector.add(e);
    return collector.finish(() => null);
  }

  it('depend on the rows, not on the order keys were processed in', () => {
    const forward = snapshotBytes(rowsOf('forward'));
    expect(Buffer.from(snapshotBytes(rowsOf('reverse'))).equals(Buffer.from(forward))).toBe(true);
  });

  it('read back as the columns the trainer expects, sorted by (event_time, key)', async () => {
    const bytes = snapshotBytes(rowsOf('forward'));
    let data: unknown[][] = [];
    await parquetRead({
      file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer,
      columns: ['key', 'event_time', 'asset_type', 'label', set.featureNames[0]!],
      onComplete: (rows: unknown[][]) => {
        data = rows;
      },
    });
    expect(data.length).toBe(16);
    expect(data.slice(0, 2).map((r) => r[0])).toEqual(['P-1', 'P-2']);
    expect(Number(data[0]![1])).toBe(Number(data[1]![1]));
    expect(data.every((r) => r[2] === 'pump' && r[3] === null)).toBe(true);
  });
});

describe('registry and training error codes', () => {
  it('are all documented in docs/errors.md', () => {
    const docs = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');
    const mine = [...registeredErrorCodes().keys()].filter((c) => /^VIGIL_(MODELS|TRAINING)_/.test(c));
    expect(mine.length).toBeGreaterThanOrEqual(16);
    expect(mine.filter((c) => !docs.includes(`| ${c} |`))).toEqual([]);
  });
});
