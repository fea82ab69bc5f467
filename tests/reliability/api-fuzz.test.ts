/**
 * The long API fuzz run (tests/integration/reliability-api-fuzz.test.ts is the CI-sized one): the server's data
 * directory first holds a processed plant run (readings, features, inferences, alerts, dead letters), so routes
 * that look objects up find some, then schemathesis runs VIGIL_API_FUZZ_EXAMPLES examples per operation and
 * phase (default 20) for at most VIGIL_API_FUZZ_SECONDS (default 300).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { topicsFromConfig } from '../../core/topics.js';
import { type FuzzRun, fuzzApi } from '../api-fuzz/fuzz-api.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';
import { publishPlant, reportFigures } from './harness.js';

const workDir = mkdtempSync(join(tmpdir(), 'vigil-api-fuzz-long-'));
let fuzz: FuzzRun | undefined;
afterAll(async () => {
  await fuzz?.stop();
  rmSync(workDir, { recursive: true, force: true });
});

describe('API fuzzing over a processed plant run', () => {
  it('finds no server error and no response outside its schema', async () => {
    const { env, config } = await freshKafkaEnv({
      VIGIL_DATA_DIR: join(workDir, 'data'),
      CLICKHOUSE_DATABASE: 'fuzz',
      VIGIL_METRICS_PORT: '0',
    });
    const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], env);
    expect(await exitOf(migrate), migrate.output()).toBe(0);
    await publishPlant(config, { minutes: 20, assets: 6, seed: 97 });
    const group = uniqueName('fuzz-seed');
    const processor = spawnVigil(['process', '--stream', 'sensors', '--group', group], env);
    await waitCaughtUp(config, group, topicsFromConfig(config).sensorReadings.name, 600_000);
    processor.kill('SIGTERM');
    expect(await exitOf(processor), processor.output()).toBe(0);

    fuzz = await fuzzApi({
      env,
      workDir,
      maxExamples: Number(process.env.VIGIL_API_FUZZ_EXAMPLES ?? 20),
      maxSeconds: Number(process.env.VIGIL_API_FUZZ_SECONDS ?? 300),
      seed: Number(process.env.VIGIL_API_FUZZ_SEED ?? 7),
    });
    const { report } = fuzz;
    reportFigures('api-fuzz-long', {
      operations: report.operations.tested,
      generated: report.test_cases.generated,
      failures: report.test_cases.unique_failures,
      seconds: Math.round(report.running_time),
      stop: report.stop_reason,
    });
    expect(report.failures, fuzz.output).toEqual([]);
    expect(report.errors, fuzz.output).toEqual([]);
    expect(fuzz.exitCode, fuzz.output).toBe(0);
    expect(report.operations.tested).toBe(report.operations.selected);
    expect(fuzz.serverErrors).toEqual([]);
    expect(await fuzz.stop()).toBe(0);
  });
});
