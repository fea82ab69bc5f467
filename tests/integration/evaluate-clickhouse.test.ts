/**
 * `vigil evaluate` on a small simulated run written to ClickHouse: pumps with many spikes and overheating faults
 * (clear signatures), scored in process by the committed default pump model, written with `--simulate --write`,
 * then evaluated from the tables. The stored report has the expected structure, detects those faults event-wise,
 * and equals the in-process report number for number (the SQL tally and the TS tally agree). The simulated period
 * lies more than a year back: its rows are kept like today's (retention counts from storage, clickhouse/0016).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultPlant } from '../../core/plant/catalogue.js';
import type { EvaluationReport } from '../../evaluation/metrics.js';
import { runCli } from '../helpers/cli.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-evaluate-test-'));
const runId = `eval-it-${Math.random().toString(36).slice(2, 8)}`;
let db: TestClickHouse;
let env: Record<string, string>;

beforeAll(async () => {
  db = await openTestClickHouse();
  const base = defaultPlant();
  const plant = {
    ...base,
    assets: base.assets.filter((a) => a.type === 'pump'),
    faults: { perAssetPerDay: 24, mix: { spike: 1, overheating: 1 } },
  };
  const plantFile = join(work, 'plant.json');
  writeFileSync(plantFile, JSON.stringify(plant));
  env = { ...db.env, VIGIL_PLANT_FILE: plantFile };
});

afterAll(async () => {
  await db?.close();
  rmSync(work, { recursive: true, force: true });
});

// A period more than a year ago: its rows must survive the 365-day retention (it counts from storage).
const simulateArgs = [
  '--simulate',
  '--start',
  '2025-02-03T00:00:00Z',
  '--days',
  '0.25',
  '--assets',
  '3',
  '--seed',
  '5',
  '--json',
];

describe('vigil evaluate', () => {
  it('evaluates a stored simulated run: structure, clear faults detected, equal to the in-process report', async () => {
    const simulated = await runCli(['evaluate', ...simulateArgs, '--write', '--run-id', runId], env);
    expect(simulated.code, simulated.err).toBe(0);
    const inProcess = JSON.parse(simulated.out.slice(0, simulated.out.lastIndexOf('}') + 1)) as EvaluationReport;

    const stored = await runCli(
      ['evaluate', '--run-id', runId, '--json', '--from', String(inProcess.from), '--to', String(inProcess.to)],
      env,
    );
    expect(stored.code, stored.err).toBe(0);
    const report = JSON.parse(stored.out) as EvaluationReport;

    expect(report.assets).toBe(3);
    expect(report.graceMs).toBe(15 * 60_000);
    expect(report.kinds.map((k) => k.kind)).toEqual(['overheating', 'spike']);
    for (const k of report.kinds) {
      expect(k.faults).toBeGreaterThan(0);
      expect(k.point.readings).toBeGreaterThan(0);
      expect(Object.keys(k.event)).toEqual(expect.arrayContaining(['precision', 'recall', 'f1', 'detected']));
    }
    const overheating = report.kinds.find((k) => k.kind === 'overheating')!;
    expect(overheating.event.detected).toBeGreaterThan(0);
    expect(overheating.delayMs.median).not.toBeNull();
    expect(report.overall.event.detected).toBeGreaterThan(0);
    expect(report.normal.readings).toBeGreaterThan(0);
    expect(report.falseAlertsPerAssetPerDay).not.toBeNull();

    expect(report).toEqual(inProcess);
  });

  it('prints a table, and refuses a run that has no scores', async () => {
    const table = await runCli(['evaluate', '--run-id', runId], env);
    expect(table.code, table.err).toBe(0);
    expect(table.out).toMatch(/\| overheating \| \d+ \| \d+ \|/);
    expect(table.out).toMatch(/false alerts per asset per day: \d+\.\d\d/);

    const none = await runCli(['evaluate', '--run-id', 'no-such-run'], env);
    expect(none.code).not.toBe(0);
    expect(none.err).toMatch(/VIGIL_EVALUATION_NO_DATA|No sensors inferences of run "no-such-run"/);
  });
});
