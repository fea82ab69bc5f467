/**
 * `vigil train` end to end: simulated history -> snapshot -> Python trainer -> card with the processors' feature
 * set hash; the same snapshot and seed give the same ONNX bytes; and the stored-history path on equipment the
 * catalogue does not know (readings inserted straight into ClickHouse with labelled faults), plus a range with
 * no data refused.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storedHistory } from '../../cli/commands/train-history.js';
import { configWith } from '../../core/config/index.js';
import { isVigilError } from '../../core/errors.js';
import { processorFeatureSets } from '../../registry/index.js';
import { exportDataset } from '../../training/export/export-dataset.js';
import { runTrainer } from '../../training/export/trainer.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-train-test-'));
const env = { VIGIL_DATA_DIR: join(work, 'data'), LOG_LEVEL: 'silent' };
const config = configWith(env);
let db: TestClickHouse;

beforeAll(async () => {
  db = await openTestClickHouse();
});

afterAll(async () => {
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

const sha = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');
const card = (dir: string) => JSON.parse(readFileSync(join(dir, 'card.json'), 'utf8'));

describe('vigil train --simulate', () => {
  it('trains a model on the processors feature set, reproducibly', async () => {
    const args = ['train', '--simulate', '--asset-type', 'compressor', '--from', '2026-01-05T00:00:00Z'].concat([
      '--to',
      '2026-01-05T06:00:00Z',
      '--assets',
      '1',
      '--seed',
      '3',
      '--no-tracking',
    ]);
    const first = await runCli([...args, '--out', join(work, 'm1')], env);
    expect(first.code, first.err).toBe(0);
    expect(first.out).toMatch(/sensors-compressor sha-[0-9a-f]{12}: (pca|iforest), held-out F1/);
    const second = await runCli([...args, '--out', join(work, 'm2')], env);
    expect(second.code, second.err).toBe(0);

    const c1 = card(join(work, 'm1'));
    const c2 = card(join(work, 'm2'));
    const processors = processorFeatureSets(config.features)('sensors', 'compressor')!;
    expect(c1.featureSet.hash).toBe(processors.hash);
    expect(c1.featureSet.features).toEqual([...('featureNames' in processors ? processors.featureNames : [])]);
    expect(c1.dataset.sha256).toBe(c2.dataset.sha256);
    expect(sha(join(work, 'm1', 'model.onnx'))).toBe(sha(join(work, 'm2', 'model.onnx')));
    expect(c1.onnx.sha256).toBe(c2.onnx.sha256);
  }, 180_000);

  it('refuses bad usage with exit 2', async () => {
    const run = await runCli(['train', '--simulate', '--asset-type', 'pump', '--from', '2026-01-05'], env);
    expect(run.code).toBe(2);
    expect(run.err).toContain('--from and --to are required');
  });
});

describe('training on stored history of equipment the catalogue does not know', () => {
  const T0 = Date.UTC(2026, 1, 1);
  const HOURS = 6;

  beforeAll(async () => {
    const rows = [];
    for (let i = 0; i < HOURS * 360; i++) {
      const t = T0 + i * 10_000;
      const inFault = i >= 1500 && i < 1700;
      for (const asset of ['PR-1', 'PR-2']) {
        const wobble = Math.sin(i / 20) + (i % 7) / 10;
        rows.push({
          event_id: `${asset}-${i}`,
          asset_id: asset,
          asset_type: 'press',
          site: 'imported',
          line: 'imported',
          event_time: t,
          seq: i,
          channels: { force_kn: 200 + wobble * 3 + (inFault && asset === 'PR-1' ? 60 : 0), stroke_mm: 50 + wobble },
          quality: [],
          source_topic: 'import',
          source_partition: -1,
          source_offset: -1,
        });
      }
    }
    for (let i = 0; i < rows.length; i += 5000) await db.ch.insertRows('sensor_readings', rows.slice(i, i + 5000));
    await db.ch.insertRows('fault_ground_truth', [
      {
        source: 'import:press.csv',
        stream: 'sensors',
        key: 'PR-1',
        channels: ['force_kn'],
        kind: 'labelled',
        start_time: T0 + 1500 * 10_000,
        end_time: T0 + 1699 * 10_000,
      },
    ]);
  });

  it('derives the feature set from the stored channels, labels rows from ground truth, trains', async () => {
    const request = { stream: 'sensors' as const, subject: 'press', from: T0, to: T0 + HOURS * 3_600_000, seed: 1 };
    const history = await storedHistory(db.ch, config, request);
    expect(history.featureSet.channels.map((c) => c.name)).toEqual(['force_kn', 'stroke_mm']);
    const { snapshot } = await exportDataset({
      ...(history as typeof history & { events: AsyncIterable<unknown> }),
      from: request.from,
      to: request.to,
      sampleEveryMs: 0,
      outDir: join(work, 'datasets'),
      baseName: 'sensors-press',
      codeCommit: null,
    } as never);
    expect(snapshot.assets).toEqual(['PR-1', 'PR-2']);
    expect(snapshot.labelledRows).toBe(200);
    const summary = await runTrainer({
      dataset: snapshot.path,
      modelName: 'sensors-press',
      out: join(work, 'press'),
      seed: 1,
      algorithm: 'auto',
      trainUntil: T0 + 4 * 3_600_000,
      stream: 'sensors',
      tracking: false,
      env: { PATH: process.env.PATH, VIGIL_DATA_DIR: env.VIGIL_DATA_DIR },
    });
    const c = card(join(work, 'press'));
    expect(c.featureSet.hash).toBe(history.featureSet.hash);
    expect(c.dataset.sha256).toBe(snapshot.sha256);
    // A level shift of 60 kN on a ~3 kN wobble: the held-out fault must be found.
    expect(summary.f1).toBeGreaterThan(0.5);
  }, 120_000);

  it('refuses a range with no data', async () => {
    const request = {
      stream: 'sensors' as const,
      subject: 'press',
      from: T0 - 86_400_000,
      to: T0 - 3_600_000,
      seed: 1,
    };
    const history = await storedHistory(db.ch, config, request);
    const error = await exportDataset({
      ...history,
      from: request.from,
      to: request.to,
      sampleEveryMs: 0,
      outDir: join(work, 'datasets'),
      baseName: 'empty',
      codeCommit: null,
    } as never).catch((e: unknown) => e);
    expect(isVigilError(error, 'VIGIL_TRAINING_NO_DATA')).toBe(true);
    expect((error as Error).message).toContain('press');
  });
});
