/**
 * Broker restart in the middle of a run. A second Kafka (its own data directory and spare ports, started with the
 * same code as `vigil stack up`; the shared broker on 9092 that other tests use is never touched) carries the
 * topics; the shared registry keeps the schemas. The broker is stopped while the processor is mid-stream, kept down
 * for VIGIL_RELIABILITY_OUTAGE_MS (default 20 s), and started again on the same data; more readings are published
 * after it is back. Then: every record is accounted for once, the results equal a clean run, the stream paused.
 */
import { mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../core/config/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { freePort, planStack, stackDown, stackUp } from '../../stack/index.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { committedOffsets, waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';
import {
  auditAll,
  expectDeliveredOnce,
  expectSameAsClean,
  fingerprint,
  publishPlant,
  reportFigures,
  sensorProcessor,
} from './harness.js';

const OUTAGE_MS = Number(process.env.VIGIL_RELIABILITY_OUTAGE_MS ?? 20_000);
const say = (line: string) => process.stderr.write(`[spare stack] ${line}\n`);

let spareDir: string;
let spareEnv: Record<string, string | undefined>;
let faulted: TestClickHouse;
let reference: TestClickHouse;

beforeAll(async () => {
  spareDir = await mkdtemp(join(tmpdir(), 'vigil-broker-restart-'));
  await mkdir(join(spareDir, 'stack'), { recursive: true });
  await symlink(resolve(planStack(loadConfig(process.env)).distDir), join(spareDir, 'stack', 'dist'));
  const [broker, controller] = [await freePort(), await freePort()];
  spareEnv = {
    ...process.env,
    VIGIL_DATA_DIR: spareDir,
    KAFKA_BROKERS: `127.0.0.1:${broker}`,
    VIGIL_STACK_KAFKA_CONTROLLER_PORT: String(controller),
    // Not on this machine as far as the plan is concerned: only the broker is started here.
    SCHEMA_REGISTRY_URL: 'http://registry.invalid:8081/apis/ccompat/v7',
  };
  await stackUp(planStack(loadConfig(spareEnv)), { env: spareEnv, report: say });
  faulted = await openTestClickHouse();
  reference = await openTestClickHouse();
}, 600_000);

afterAll(async () => {
  await faulted?.close();
  await reference?.close();
  if (spareEnv) await stackDown(planStack(loadConfig(spareEnv)), { env: spareEnv, report: say }, ['kafka']);
  if (spareDir) await rm(spareDir, { recursive: true, force: true });
});

describe('broker restart', () => {
  it('the stream pauses while the broker is down and resumes: nothing lost or doubled', async () => {
    const brokers = spareEnv.KAFKA_BROKERS as string;
    const { config } = await freshKafkaEnv({
      ...faulted.env,
      KAFKA_BROKERS: brokers,
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const first = await publishPlant(config, { minutes: 20, assets: 4, seed: 51 });

    const group = uniqueName('broker-restart');
    const p = sensorProcessor(config, faulted.ch, group);
    await p.processor.start();
    await waitFor(async () => [...(await committedOffsets(config, group, topic)).values()].some((o) => o > 0n), {
      description: 'a first commit',
      timeoutMs: 120_000,
    });
    const plan = planStack(loadConfig(spareEnv));
    const downAt = Date.now();
    await stackDown(plan, { env: spareEnv, report: say }, ['kafka']);
    let pausedSeen = false;
    await waitFor(
      async () => {
        pausedSeen ||= (await p.paused()) === 1;
        return Date.now() - downAt >= OUTAGE_MS;
      },
      { description: 'the outage to last its time', timeoutMs: OUTAGE_MS + 60_000, intervalMs: 200 },
    );
    await stackUp(plan, { env: spareEnv, report: say });
    const upAt = Date.now();
    const second = await publishPlant(config, { minutes: 5, assets: 4, seed: 52, start: first.end });
    await waitCaughtUp(config, group, topic, 600_000);
    const recoveredMs = Date.now() - upAt;
    await p.processor.stop();
    expect(pausedSeen).toBe(true);

    const audit = await auditAll(config, faulted.ch);
    expectDeliveredOnce(audit, first.acknowledged + second.acknowledged);

    const refGroup = uniqueName('reference');
    const ref = sensorProcessor(config, reference.ch, refGroup);
    await ref.processor.start();
    await waitCaughtUp(config, refGroup, topic, 600_000);
    await ref.processor.stop();
    expectSameAsClean(await fingerprint(reference.ch), await fingerprint(faulted.ch));
    reportFigures('broker-restart', {
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      outageMs: upAt - downAt,
      pausedSeen: String(pausedSeen),
      recoveredMs,
    });
  });
});
