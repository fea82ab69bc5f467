/**
 * The long version of tests/integration/processor-crash.test.ts: a `vigil process` child SIGKILLed
 * VIGIL_RELIABILITY_KILLS times (default 20) at random points, restarted each time, while the topic holds a
 * 60-minute plant run. Afterwards the delivery audit accounts for every record once and what queries see equals
 * an uninterrupted run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { committedOffsets, exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';
import {
  auditAll,
  expectDeliveredOnce,
  expectSameAsClean,
  fingerprint,
  publishPlant,
  reportFigures,
  withDatabase as withDb,
} from './harness.js';

const KILLS = Number(process.env.VIGIL_RELIABILITY_KILLS ?? 20);
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-sigkill-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const withDatabase = <T>(database: string, fn: (ch: ClickHouse) => Promise<T>) => withDb(dataDir, database, fn);

describe('processor SIGKILLed many times', () => {
  it(`loses nothing and doubles nothing across ${KILLS} kills`, async () => {
    const { env, config } = await freshKafkaEnv({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '8192',
      VIGIL_METRICS_PORT: '0',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const run = await publishPlant(config, { minutes: 60, assets: 4, seed: 61 });

    for (const database of ['reference', 'crashed']) {
      const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], { ...env, CLICKHOUSE_DATABASE: database });
      expect(await exitOf(migrate), migrate.output()).toBe(0);
    }
    const referenceGroup = uniqueName('reference');
    const reference = spawnVigil(['process', '--stream', 'sensors', '--group', referenceGroup], {
      ...env,
      CLICKHOUSE_DATABASE: 'reference',
    });
    await waitCaughtUp(config, referenceGroup, topic, 600_000);
    reference.kill('SIGTERM');
    expect(await exitOf(reference), reference.output()).toBe(0);

    const crashedEnv = { ...env, CLICKHOUSE_DATABASE: 'crashed' };
    const crashedGroup = uniqueName('crashed');
    const total = async () =>
      [...(await committedOffsets(config, crashedGroup, topic)).values()].reduce((s, o) => s + (o > 0n ? o : 0n), 0n);
    let progress = 0n;
    let kills = 0;
    for (; kills < KILLS; kills++) {
      const child = spawnVigil(['process', '--stream', 'sensors', '--group', crashedGroup], crashedEnv);
      await waitFor(async () => (await total()) > progress || child.exitCode !== null, {
        description: `incarnation ${kills} to commit a batch`,
        timeoutMs: 120_000,
        intervalMs: 20,
      });
      const before = Date.now();
      const delay = Math.floor(Math.random() * 400);
      await waitFor(() => Date.now() - before >= delay, { description: 'a random kill point', intervalMs: 5 });
      child.kill('SIGKILL');
      await exitOf(child);
      progress = await total();
      process.stderr.write(`[sigkill] kill ${kills + 1}/${KILLS}: ${progress} records committed\n`);
      // The last incarnation must have work left: it is stopped with SIGTERM only after catching up, which also
      // shows a clean shutdown (a process stopped while still starting would not exit 0).
      if (progress * 5n >= BigInt(run.acknowledged) * 4n) break;
    }
    const last = spawnVigil(['process', '--stream', 'sensors', '--group', crashedGroup], crashedEnv);
    const lastStarted = Date.now();
    await waitCaughtUp(config, crashedGroup, topic, 600_000);
    const recoveredMs = Date.now() - lastStarted;
    last.kill('SIGTERM');
    expect(await exitOf(last), last.output()).toBe(0);

    const audit = await withDatabase('crashed', (ch) => auditAll(config, ch));
    expectDeliveredOnce(audit, run.acknowledged);
    expectSameAsClean(await withDatabase('reference', fingerprint), await withDatabase('crashed', fingerprint));
    reportFigures('processor-sigkill', {
      kills: Math.min(kills + 1, KILLS),
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      lastRestartToCaughtUpMs: recoveredMs,
    });
  });
});
