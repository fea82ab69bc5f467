/**
 * Delivery under crashes (contract 5) and determinism (contract 2): a processor SIGKILLed at random points many
 * times, restarted each time, ends with exactly the rows of an uninterrupted run: nothing lost, nothing doubled,
 * features and scores bit for bit equal.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { loadConfig } from '../../core/config/index.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { committedOffsets, exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';

const KILLS = 10;
const dataDir = mkdtempSync(join(tmpdir(), 'vigil-crash-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Row fingerprints of one database: counts, distinct identities and an order-free hash of the content. */
async function fingerprint(database: string) {
  const ch = await createClickHouse(
    loadConfig({ VIGIL_DATA_DIR: dataDir, CLICKHOUSE_DATABASE: database }),
    createLogger('silent'),
  );
  try {
    const one = async (sql: string) => (await ch.query(sql))[0];
    return {
      readings: await one(
        'SELECT count() AS n, uniqExact(event_id) AS ids, sum(cityHash64(event_id, toString(channels))) AS h FROM sensor_readings FINAL',
      ),
      features: await one(
        'SELECT count() AS n, uniqExact(event_id) AS ids, sum(cityHash64(event_id, toString(vector))) AS h FROM features FINAL',
      ),
      inferences: await one(
        `SELECT count() AS n, uniqExact(event_id, model_role) AS ids,
                sum(cityHash64(inference_id, event_id, model_version, toString(score), anomaly)) AS h FROM inferences FINAL`,
      ),
      deadLetters: await ch.query(
        'SELECT reason, count() AS n FROM dead_letters FINAL GROUP BY reason ORDER BY reason',
      ),
      alerts: await ch.query('SELECT alert_id, state, severity FROM alerts FINAL ORDER BY alert_id'),
    };
  } finally {
    await ch.close();
  }
}

describe('stream processor under SIGKILL', () => {
  it(`loses nothing and doubles nothing across ${KILLS} kills; features equal an uninterrupted run`, {
    timeout: 600_000,
  }, async () => {
    const { env, config } = await freshKafkaEnv({
      VIGIL_DATA_DIR: dataDir,
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
      VIGIL_METRICS_PORT: '0',
      // A killed member holds its partitions until its session expires: the broker's minimum keeps the test short.
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(config).sensorReadings.name;

    // 4 pumps, 25 minutes at 1 Hz with the simulator's data problems (late, duplicated, NaN, out of order).
    const publisher = await openPublisher('sensor-readings', config, createLogger('silent'));
    const start = Date.UTC(2026, 2, 2, 6);
    const sim = new PlantSimulator(defaultPlant(), { seed: 21, start, end: start + 25 * 60_000, assets: 4 });
    for (let r = sim.next(); r !== null; r = sim.next()) {
      const wait = publisher.write(r);
      if (wait) await wait;
    }
    await publisher.close();
    expect(publisher.stats.acknowledged).toBeGreaterThan(5000);

    for (const database of ['reference', 'crashed']) {
      const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], { ...env, CLICKHOUSE_DATABASE: database });
      expect(await exitOf(migrate), migrate.output()).toBe(0);
    }

    const referenceGroup = uniqueName('reference');
    const reference = spawnVigil(['process', '--stream', 'sensors', '--group', referenceGroup], {
      ...env,
      CLICKHOUSE_DATABASE: 'reference',
    });
    await waitFor(() => reference.output().includes('processing sensors'), {
      description: 'the reference to start',
      timeoutMs: 60_000,
    });
    await waitCaughtUp(config, referenceGroup, topic);
    reference.kill('SIGTERM');
    expect(await exitOf(reference), reference.output()).toBe(0);

    const crashedEnv = { ...env, CLICKHOUSE_DATABASE: 'crashed' };
    const crashedGroup = uniqueName('crashed');
    const total = async () => {
      const offsets = await committedOffsets(config, crashedGroup, topic);
      return [...offsets.values()].reduce((sum, o) => sum + (o > 0n ? o : 0n), 0n);
    };
    const published = BigInt(publisher.stats.acknowledged);
    let progress = 0n;
    for (let kill = 0; kill < KILLS; kill++) {
      const child = spawnVigil(['process', '--stream', 'sensors', '--group', crashedGroup], crashedEnv);
      // Kill once this incarnation has committed something (or there is nothing left to commit: then it is
      // killed while idle or restoring), at a random moment after that.
      await waitFor(
        async () => {
          const committed = await total();
          return committed > progress || committed >= published || child.exitCode !== null;
        },
        { description: `incarnation ${kill} to commit a batch`, timeoutMs: 60_000, intervalMs: 20 },
      ).catch((error: unknown) => {
        // What the incarnation itself said is the first thing to read when this fails (it failed once in CI).
        child.kill('SIGKILL');
        const message = error instanceof Error ? error.message : String(error);
        throw new Error(`${message}\n--- incarnation ${kill}, last output ---\n${child.output().slice(-6_000)}`);
      });
      await new Promise((resolve) => setTimeout(resolve, Math.floor(Math.random() * 150)));
      child.kill('SIGKILL');
      await exitOf(child);
      progress = await total();
      process.stderr.write(`[crash test] kill ${kill + 1}/${KILLS}: ${progress} records committed\n`);
    }
    const last = spawnVigil(['process', '--stream', 'sensors', '--group', crashedGroup], crashedEnv);
    // Started (signal handlers in place) before it may be asked to stop.
    await waitFor(() => last.output().includes('processing sensors'), {
      description: 'the last incarnation to start',
      timeoutMs: 60_000,
    });
    await waitCaughtUp(config, crashedGroup, topic);
    last.kill('SIGTERM');
    expect(await exitOf(last), last.output()).toBe(0);

    const [expected, actual] = [await fingerprint('reference'), await fingerprint('crashed')];
    expect(Number(expected.inferences?.n)).toBeGreaterThan(0);
    expect(actual.readings?.n).toBe(actual.readings?.ids);
    expect(actual.features?.n).toBe(actual.features?.ids);
    expect(actual.inferences?.n).toBe(actual.inferences?.ids);
    expect(actual).toEqual(expected);
  });
});
