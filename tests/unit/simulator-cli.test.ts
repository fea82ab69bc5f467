import { createHash } from 'node:crypto';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Order, SensorReading } from '../../core/events/types.js';
import { runCli } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'vigil-produce-'));
});

const sha = async (path: string) =>
  createHash('sha256')
    .update(await readFile(path))
    .digest('hex');

describe('vigil produce plant / orders', () => {
  it('writes the same bytes for the same seed in historical mode, with ground truth', async () => {
    const run = async (name: string, seed: string) => {
      const out = join(dir, `${name}.jsonl`);
      const truth = join(dir, `${name}-truth.jsonl`);
      const args = ['produce', 'plant', '--from', '2024-01-08T00:00:00Z', '--to', '2024-01-08T00:20:00Z'];
      const result = await runCli(
        [...args, '--assets', '5', '--fault-rate', '200', '--seed', seed, '--out', out, '--truth', truth],
        {
          LOG_LEVEL: 'silent',
        },
      );
      expect(result.code, result.err).toBe(0);
      return { out, truth, stdout: result.out };
    };
    const a = await run('a', '5');
    const b = await run('b', '5');
    const c = await run('c', '6');
    expect(await sha(a.out)).toBe(await sha(b.out));
    expect(await sha(a.truth)).toBe(await sha(b.truth));
    expect(await sha(a.out)).not.toBe(await sha(c.out));
    const lines = (await readFile(a.out, 'utf8')).trim().split('\n');
    const first = JSON.parse(lines[0] as string) as SensorReading;
    expect(first.eventTime).toBeGreaterThanOrEqual(Date.UTC(2024, 0, 8));
    expect(new Set(lines.map((l) => (JSON.parse(l) as SensorReading).assetId)).size).toBe(5);
    expect(a.stdout).toContain(`plant: ${lines.length} readings from 5 assets`);
    expect((await readFile(a.truth, 'utf8')).trim().split('\n').length).toBeGreaterThan(0);
  });

  it('runs in real time for --duration at --hz per asset', async () => {
    const out = join(dir, 'rt.jsonl');
    const result = await runCli(
      ['produce', 'plant', '--duration', '1500ms', '--assets', '2', '--hz', '4', '--no-data-problems', '--out', out],
      {
        LOG_LEVEL: 'silent',
      },
    );
    expect(result.code, result.err).toBe(0);
    const n = (await readFile(out, 'utf8')).trim().split('\n').length;
    // 2 assets x 4 Hz x 1.5 s = 12 readings (the real-time loop emits exactly those due before the end).
    expect(n).toBe(12);
  });

  it('validates a user plant file and names the bad field', async () => {
    const plant = join(dir, 'plant.json');
    await writeFile(plant, JSON.stringify({ sites: [], assetTypes: {}, assets: [] }));
    const result = await runCli(
      [
        'produce',
        'plant',
        '--plant',
        plant,
        '--from',
        '2024-01-01',
        '--to',
        '2024-01-02',
        '--out',
        join(dir, 'x.jsonl'),
      ],
      {
        LOG_LEVEL: 'silent',
      },
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain('VIGIL_PLANT_INVALID');
    expect(result.err).toContain('sites:');
    expect(result.err).toContain('assets:');
  });

  it('exits 2 on inconsistent time options and 1 without --out', async () => {
    const reversed = await runCli([
      'produce',
      'orders',
      '--from',
      '2024-01-02',
      '--to',
      '2024-01-01',
      '--out',
      join(dir, 'o.jsonl'),
    ]);
    expect(reversed.code).toBe(2);
    expect(reversed.err).toContain('--from must be before --to');
    const noRegistry = await runCli(['produce', 'orders', '--from', '2024-01-01', '--to', '2024-01-02'], {
      LOG_LEVEL: 'silent',
      SCHEMA_REGISTRY_URL: 'http://127.0.0.1:1/apis/ccompat/v7',
    });
    expect(noRegistry.code).toBe(1);
    expect(noRegistry.err).toContain('SCHEMA_REGISTRY_URL');
  });

  it('writes orders and their ground truth', async () => {
    const out = join(dir, 'orders.jsonl');
    const truth = join(dir, 'orders-truth.jsonl');
    const result = await runCli(
      [
        'produce',
        'orders',
        '--from',
        '2024-01-08',
        '--to',
        '2024-01-10',
        '--stores',
        '3',
        '--anomaly-rate',
        '4',
        '--out',
        out,
        '--truth',
        truth,
      ],
      { LOG_LEVEL: 'silent' },
    );
    expect(result.code, result.err).toBe(0);
    const orders = (await readFile(out, 'utf8'))
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Order);
    expect(new Set(orders.map((o) => o.storeId))).toEqual(new Set(['store-001', 'store-002', 'store-003']));
    expect((await readFile(truth, 'utf8')).trim().split('\n').length).toBeGreaterThan(3);
  });
});
