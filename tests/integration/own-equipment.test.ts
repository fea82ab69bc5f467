/**
 * "Your own equipment, without code" (issue 6), end to end through the CLI: a CSV from a machine Vigil has never
 * seen, with its own channel names and a label column → `vigil produce file` (Kafka + labels) → `vigil process`
 * (registers the asset type, computes its features) → `vigil train --asset-type` → `vigil models promote` →
 * `vigil replay` scores the rest → `vigil evaluate` reports against the imported labels.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topicsFromConfig } from '../../core/topics.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-own-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 5, 1, 0);
const HOURS = 3;

/** Two gearboxes at 1 Hz: torque follows a slow load cycle, oil temperature lags it; labelled overheating spans. */
function writeCsv(path: string): void {
  const lines = ['timestamp;machine;torque_nm;oil_temp_c;vibration;state'];
  let seed = 7;
  const noise = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  for (const machine of ['GB-1', 'GB-2']) {
    let oil = 60;
    for (let s = 0; s < HOURS * 3600; s++) {
      const t = T0 + s * 1000;
      const load = 0.6 + 0.2 * Math.sin((2 * Math.PI * s) / 1800);
      // A 10-minute overheating fault every 50 minutes from minute 40 on.
      const fault = s >= 2400 && (s - 2400) % 3000 < 600;
      oil += ((50 + 30 * load + (fault ? 25 : 0) - oil) / 120) * 1;
      const row = [
        new Date(t).toISOString().replace('T', ' ').slice(0, 19),
        machine,
        (400 * load + noise() * 4).toFixed(3),
        (oil + noise() * 0.3).toFixed(3),
        (1.5 + load + noise() * 0.1).toFixed(4),
        fault ? 'overheating' : '',
      ];
      lines.push(row.join(';'));
    }
  }
  writeFileSync(path, `${lines.join('\n')}\n`);
}

async function vigil(args: string[], env: Record<string, string>): Promise<string> {
  const child = spawnVigil(args, env);
  const code = await exitOf(child);
  expect(code, `vigil ${args.join(' ')}\n${child.output()}`).toBe(0);
  return child.output();
}

describe('a machine Vigil has never seen, from CSV to evaluated alerts', () => {
  it('imports, learns the asset type, trains, promotes, replays and evaluates without code', {
    timeout: 600_000,
  }, async () => {
    const { env, config } = await freshKafkaEnv({ VIGIL_DATA_DIR: dir, VIGIL_METRICS_PORT: '0' });
    const csv = join(dir, 'gearboxes.csv');
    writeCsv(csv);
    const iso = (hours: number) => new Date(T0 + hours * 3_600_000).toISOString();

    await vigil(['migrate', '--only', 'clickhouse'], env);
    const imported = await vigil(
      [
        'produce',
        'file',
        csv,
        '--asset-column',
        'machine',
        '--asset-type',
        'gearbox',
        '--label',
        'state',
        '--truth',
        'clickhouse',
      ],
      env,
    );
    expect(imported).toMatch(/events: 21600/);

    const group = uniqueName('own');
    const processor = spawnVigil(['process', '--stream', 'sensors', '--group', group], env);
    await waitCaughtUp(config, group, topicsFromConfig(config).sensorReadings.name, 300_000);
    processor.kill('SIGTERM');
    expect(await exitOf(processor), processor.output()).toBe(0);

    const trained = await vigil(
      [
        'train',
        '--asset-type',
        'gearbox',
        '--from',
        iso(0),
        '--to',
        iso(2),
        '--register',
        '--no-tracking',
        '--actor',
        'test',
      ],
      env,
    );
    const version = /registered sensors-gearbox (\S+)/.exec(trained)?.[1];
    expect(version, trained).toBeDefined();
    await vigil(
      [
        'models',
        'promote',
        'sensors-gearbox',
        version!,
        '--reason',
        'first model for the gearboxes',
        '--actor',
        'test',
      ],
      env,
    );

    const replayed = await vigil(
      ['replay', '--stream', 'sensors', '--from', iso(2), '--to', iso(3), '--run-id', 'gearbox-backfill', '--json'],
      env,
    );
    expect(replayed).toContain('gearbox-backfill');
    const report = await vigil(
      ['evaluate', '--stream', 'sensors', '--from', iso(2), '--to', iso(3), '--run-id', 'gearbox-backfill', '--json'],
      env,
    );
    const parsed = JSON.parse(report.slice(report.indexOf('{'))) as Record<string, unknown>;
    expect(JSON.stringify(parsed)).toContain('overheating');
  });
});
