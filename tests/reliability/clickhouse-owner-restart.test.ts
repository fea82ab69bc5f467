/**
 * "ClickHouse down for a minute" with the embedded engine: the engine lives inside the process that owns the
 * data directory, so the outage is that process gone. A `vigil process` child is SIGKILLed once the stream is
 * moving, stays down VIGIL_RELIABILITY_OUTAGE_MS (default a minute) while readings keep being published at a
 * steady rate, and is started again on the same data directory. Afterwards the delivery audit accounts for every
 * record once and what queries see equals an uninterrupted run. (processor-sigkill.test.ts restarts at once, 20
 * times; this one is the long outage with the backlog it leaves.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import type { Config } from '../../core/config/index.js';
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
  silent,
  withDatabase as withDb,
} from './harness.js';

const OUTAGE_MS = Number(process.env.VIGIL_RELIABILITY_OUTAGE_MS ?? 60_000);
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-owner-restart-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

const withDatabase = <T>(database: string, fn: (ch: ClickHouse) => Promise<T>) => withDb(dataDir, database, fn);

/** Records of `topic` not yet committed by `group`. */
async function lag(config: Config, group: string, topic: string): Promise<bigint> {
  const admin = createKafkaClient(config, silent, { clientIdSuffix: 'test' }).admin();
  await admin.connect();
  try {
    const high = await admin.fetchTopicOffsets(topic);
    const committed = await committedOffsets(config, group, topic);
    return high.reduce((sum, p) => {
      const c = committed.get(p.partition) ?? -1n;
      return sum + BigInt(p.high) - (c > 0n ? c : 0n);
    }, 0n);
  } finally {
    await admin.disconnect();
  }
}

describe('the embedded ClickHouse owner down for a while', () => {
  it(`loses nothing and doubles nothing across a ${OUTAGE_MS / 1000} s outage`, async () => {
    const { env, config } = await freshKafkaEnv({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
      VIGIL_METRICS_PORT: '0',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(config).sensorReadings.name;
    for (const database of ['reference', 'restarted']) {
      const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], { ...env, CLICKHOUSE_DATABASE: database });
      expect(await exitOf(migrate), migrate.output()).toBe(0);
    }
    // Publishing spans the outage: ~16 minutes of plant time at a steady rate over about twice the outage.
    const minutes = 16;
    const ratePerSecond = Math.max(20, Math.ceil((minutes * 60 * 4) / ((OUTAGE_MS * 2 + 40_000) / 1000)));
    const publishing = publishPlant(config, { minutes, assets: 4, seed: 83, ratePerSecond });

    const restartedEnv = { ...env, CLICKHOUSE_DATABASE: 'restarted' };
    const group = uniqueName('owner-restart');
    const first = spawnVigil(['process', '--stream', 'sensors', '--group', group], restartedEnv);
    await waitFor(
      async () => [...(await committedOffsets(config, group, topic)).values()].some((o) => o > 0n) || first.exitCode,
      { description: 'the first incarnation to commit', timeoutMs: 120_000, intervalMs: 50 },
    );
    expect(first.exitCode, first.output()).toBeNull();
    first.kill('SIGKILL');
    await exitOf(first);
    const downAt = Date.now();
    await waitFor(() => Date.now() - downAt >= OUTAGE_MS, {
      description: 'the outage to last',
      timeoutMs: OUTAGE_MS + 1_000,
      intervalMs: 250,
    });
    const backlog = await lag(config, group, topic);
    const second = spawnVigil(['process', '--stream', 'sensors', '--group', group], restartedEnv);
    const upAt = Date.now();
    const run = await publishing;
    const publishedAt = Date.now();
    await waitCaughtUp(config, group, topic, 600_000);
    const recoveredMs = Date.now() - upAt;
    const afterLastRecordMs = Date.now() - publishedAt;
    second.kill('SIGTERM');
    expect(await exitOf(second), second.output()).toBe(0);

    const referenceGroup = uniqueName('reference');
    const reference = spawnVigil(['process', '--stream', 'sensors', '--group', referenceGroup], {
      ...env,
      CLICKHOUSE_DATABASE: 'reference',
    });
    await waitCaughtUp(config, referenceGroup, topic, 600_000);
    reference.kill('SIGTERM');
    expect(await exitOf(reference), reference.output()).toBe(0);

    const audit = await withDatabase('restarted', (ch) => auditAll(config, ch));
    expectDeliveredOnce(audit, run.acknowledged);
    expectSameAsClean(await withDatabase('reference', fingerprint), await withDatabase('restarted', fingerprint));
    expect(backlog).toBeGreaterThan(0n);
    reportFigures('clickhouse-owner-restart', {
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      outageMs: upAt - downAt,
      backlogAtRestart: Number(backlog),
      // Publishing goes on after the restart: the first figure includes it, the second is the catch-up proper.
      restartToCaughtUpMs: recoveredMs,
      lastRecordToCaughtUpMs: afterLastRecordMs,
    });
  });
});
