/**
 * Replay against the real components: the live processor scores 40 minutes of three pumps; replaying 15 of
 * those minutes (after more than a retention of history, so the warm-up matters) gives the live features bit
 * for bit and the live scores within 1e-6; a rerun duplicates nothing; a replay SIGKILLed halfway and resumed
 * equals one run straight through; a candidate model's replay stores its rows apart and `compare` reports the
 * difference. Child processes (processor, trainer, killed replay) run first; the test process opens the
 * embedded ClickHouse only after them (chDB locks its directory per process).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { loadConfig } from '../../core/config/index.js';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { topicsFromConfig } from '../../core/topics.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import { openModelRegistry } from '../../registry/index.js';
import { compareRuns, formatComparison, replayRange } from '../../replay/index.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { exitOf, spawnVigil, waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-replay-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const MIN = 60_000;
const START = Date.UTC(2026, 2, 2, 6);
const FROM = START + 20 * MIN;
const TO = START + 35 * MIN;
const iso = (ms: number) => new Date(ms).toISOString();
const silent = createLogger('silent');

async function liveFingerprint(ch: ClickHouse) {
  const [row] = await ch.query(
    `SELECT (SELECT count() FROM features FINAL WHERE run_id = '') AS features,
            (SELECT sum(cityHash64(event_id, toString(vector))) FROM features FINAL WHERE run_id = '') AS fh,
            (SELECT count() FROM inferences FINAL WHERE run_id = '') AS inferences,
            (SELECT sum(cityHash64(inference_id, toString(score))) FROM inferences FINAL WHERE run_id = '') AS ih,
            (SELECT count() FROM alerts FINAL WHERE run_id = '') AS alerts`,
  );
  return row;
}

async function runRows(ch: ClickHouse, runId: string) {
  const [row] = await ch.query<Record<string, string>>(
    `SELECT (SELECT count() FROM features FINAL WHERE run_id = {r:String}) AS features,
            (SELECT uniqExact(key, event_id) FROM features FINAL WHERE run_id = {r:String}) AS feature_ids,
            (SELECT count() FROM features WHERE run_id = {r:String}) AS features_unmerged,
            (SELECT count() FROM inferences FINAL WHERE run_id = {r:String}) AS inferences,
            (SELECT uniqExact(event_id, model_name) FROM inferences FINAL WHERE run_id = {r:String}) AS inference_ids,
            (SELECT count() FROM alerts FINAL WHERE run_id = {r:String}) AS alerts`,
    { r: runId },
  );
  return row!;
}

describe('vigil replay', () => {
  it('matches the live stream bit for bit, reruns and resumes without duplicates, keeps candidates apart', {
    timeout: 900_000,
  }, async () => {
    const dataDir = join(work, 'data');
    const { env, config: kafkaConfig } = await freshKafkaEnv({
      VIGIL_DATA_DIR: dataDir,
      CLICKHOUSE_DATABASE: 'replay_test',
      VIGIL_METRICS_PORT: '0',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(kafkaConfig).sensorReadings.name;

    // 3 pumps, 40 minutes at 1 Hz, with the simulator's data problems (late, duplicated, NaN, out of order).
    const publisher = await openPublisher('sensor-readings', kafkaConfig, silent);
    const sim = new PlantSimulator(defaultPlant(), { seed: 9, start: START, end: START + 40 * MIN, assets: 3 });
    for (let r = sim.next(); r !== null; r = sim.next()) {
      const wait = publisher.write(r);
      if (wait) await wait;
    }
    await publisher.close();
    expect(publisher.stats.acknowledged).toBeGreaterThan(6000);

    const migrate = spawnVigil(['migrate', '--only', 'clickhouse'], env);
    expect(await exitOf(migrate), migrate.output()).toBe(0);

    // A candidate pump model, trained meanwhile on simulated history in a data directory of its own.
    const candidateDir = join(work, 'candidate');
    const trainer = spawnVigil(
      [
        'train',
        '--simulate',
        '--asset-type',
        'pump',
        '--from',
        '2026-01-05T00:00:00Z',
        '--to',
        '2026-01-05T04:00:00Z',
      ].concat(['--assets', '2', '--algorithm', 'iforest', '--seed', '5', '--out', candidateDir, '--no-tracking']),
      { VIGIL_DATA_DIR: join(work, 'train-data'), LOG_LEVEL: 'warn' },
    );

    const group = uniqueName('replay-live');
    const live = spawnVigil(['process', '--stream', 'sensors', '--group', group], env);
    await waitCaughtUp(kafkaConfig, group, topic, 300_000);
    live.kill('SIGTERM');
    expect(await exitOf(live), live.output()).toBe(0);

    // A replay in small chunks (3 minutes x 1 key = 15 chunks), SIGKILLed once a few chunks are checkpointed.
    const chunked = { ...env, VIGIL_REPLAY_CHUNK: '3m', VIGIL_REPLAY_KEYS_PER_CHUNK: '1', VIGIL_REPLAY_WORKERS: '1' };
    const replayArgs = ['replay', '--stream', 'sensors', '--from', iso(FROM), '--to', iso(TO), '--run-id', 'killed'];
    const doomed = spawnVigil(replayArgs, { ...chunked, LOG_LEVEL: 'debug' });
    await waitFor(() => (doomed.output().match(/chunk done/g) ?? []).length >= 4 || doomed.exitCode !== null, {
      description: 'the replay to checkpoint four chunks',
      timeoutMs: 300_000,
      intervalMs: 50,
    });
    expect(doomed.exitCode, doomed.output()).toBeNull();
    doomed.kill('SIGKILL');
    await exitOf(doomed);
    const resumed = spawnVigil(replayArgs, chunked);
    expect(await exitOf(resumed), resumed.output()).toBe(0);
    const resumedChunks = /chunks\s+15 \((\d+) already done/.exec(resumed.output());
    expect(Number(resumedChunks?.[1]), resumed.output()).toBeGreaterThanOrEqual(4);

    expect(await exitOf(trainer), trainer.output()).toBe(0);

    // From here on the test process owns the embedded ClickHouse.
    const config = loadConfig(env);
    const ch = await createClickHouse(config, silent);
    try {
      const registry = openModelRegistry({
        ch,
        kafka: createKafkaClient(config, silent, { clientIdSuffix: 'replay-test' }),
        schemaRegistry: createRegistryClient(config),
        config,
        logger: silent,
      });
      const liveBefore = await liveFingerprint(ch);
      const request = { stream: 'sensors' as const, from: FROM, to: TO, runId: 'straight', workers: 1 };
      const straight = await replayRange(request, { ch, config, logger: silent, registry });
      expect(straight.events).toBeGreaterThan(2000);
      expect(straight.exactKeySlices).toBe(straight.keySlices);

      // Parity with the live rows of the same events and model version.
      const parity = await compareRuns(ch, 'straight', 'live');
      process.stderr.write(`[replay test] parity\n${formatComparison(parity)}`);
      expect(parity.a.features).toBeGreaterThan(2000);
      expect(parity.a.features).toBe(parity.b.features);
      expect(parity.features.matched).toBe(parity.a.features);
      expect(parity.features.identical).toBe(parity.features.matched);
      expect(parity.scores.matched).toBe(parity.b.inferences);
      expect(parity.scores.onlyA + parity.scores.onlyB).toBe(0);
      expect(parity.scores.maxAbsDiff).toBeLessThanOrEqual(1e-6);
      expect(parity.scores.anomalyFlips).toBe(0);
      expect(parity.alertsOnlyA.count + parity.alertsOnlyB.count).toBe(0);

      // Rerunning the same run id replaces its rows: nothing doubles.
      const before = await runRows(ch, 'straight');
      expect(before.features).toBe(before.feature_ids);
      const again = await replayRange(request, { ch, config, logger: silent, registry });
      expect(again.skippedChunks).toBe(0);
      const after = await runRows(ch, 'straight');
      expect(after.features).toBe(before.features);
      expect(after.inferences).toBe(before.inferences);
      expect(after.inferences).toBe(after.inference_ids);
      expect(after.alerts).toBe(before.alerts);

      // Killed halfway and resumed = straight through (other chunking, same rows).
      const resumedVsStraight = await compareRuns(ch, 'killed', 'straight');
      expect(resumedVsStraight.a.features).toBe(resumedVsStraight.b.features);
      expect(resumedVsStraight.features.identical).toBe(resumedVsStraight.b.features);
      expect(resumedVsStraight.a.inferences).toBe(resumedVsStraight.b.inferences);
      expect(resumedVsStraight.scores.maxAbsDiff).toBe(0);
      expect(resumedVsStraight.a.alerts).toBe(resumedVsStraight.b.alerts);
      expect(resumedVsStraight.alertsOnlyA.count + resumedVsStraight.alertsOnlyB.count).toBe(0);
      const killed = await runRows(ch, 'killed');
      expect(killed.features).toBe(killed.feature_ids);
      expect(killed.inferences).toBe(killed.inference_ids);

      // A candidate version: its rows are apart, and compare reports how its scores differ.
      const candidate = await registry.register(candidateDir, 'replay-test');
      expect(candidate.version).not.toBe((await registry.production('sensors-pump'))?.version);
      const trial = await replayRange(
        { ...request, runId: 'candidate', modelVersions: { 'sensors-pump': candidate.version } },
        { ch, config, logger: silent, registry },
      );
      expect(trial.models).toEqual([{ name: 'sensors-pump', version: candidate.version }]);
      const versions = await ch.query<{ v: string }>(
        "SELECT DISTINCT model_version AS v FROM inferences FINAL WHERE run_id = 'candidate'",
      );
      expect(versions.map((r) => r.v)).toEqual([candidate.version]);
      const diff = await compareRuns(ch, 'candidate', 'live');
      process.stderr.write(`[replay test] candidate\n${formatComparison(diff)}`);
      expect(diff.features.identical).toBe(diff.features.matched);
      expect(diff.scores.matched).toBe(diff.b.inferences);
      expect(diff.scores.maxAbsDiff).toBeGreaterThan(1e-3);
      expect(diff.scores.meanAbsDiff).toBeGreaterThan(0);

      // None of it touched the live rows.
      expect(await liveFingerprint(ch)).toEqual(liveBefore);
    } finally {
      await ch.close();
    }
  });
});
