/**
 * Soak: a simulated plant published at a steady rate for VIGIL_SOAK_MINUTES (default 10) through one in-process
 * processor. Samples every 5 s: resident memory, heap, consumer lag. Reports the slopes (per minute) for
 * docs/reliability.md; fails when the processor logs an error, when it does not catch up at the end, or when the
 * delivery audit finds a record missing or doubled. Memory and lag slopes are reported, not asserted: a bound on
 * them would be a wall-clock-speed assertion on a shared machine.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import { topicsFromConfig } from '../../core/topics.js';
import { openTestClickHouse, type TestClickHouse } from '../helpers/clickhouse.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';
import {
  auditAll,
  expectDeliveredOnce,
  publishPlant,
  reportFigures,
  sensorProcessor,
  silent,
  slope,
} from './harness.js';

const MINUTES = Number(process.env.VIGIL_SOAK_MINUTES ?? 10);
const RATE = Number(process.env.VIGIL_SOAK_RATE ?? 40);
const ASSETS = 8;
const SAMPLE_MS = 5_000;

let db: TestClickHouse;
beforeAll(async () => {
  db = await openTestClickHouse();
});
afterAll(async () => {
  await db.close();
});

describe('soak', () => {
  it(`${MINUTES} min at ${RATE} readings/s: no error logs, caught up, nothing lost; memory and lag slopes reported`, async () => {
    const { config } = await freshKafkaEnv({ ...db.env, VIGIL_PROCESSOR_SESSION_TIMEOUT: '10s' });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const errorLines: string[] = [];
    const errorLog = createLogger(
      'error',
      new Writable({
        write(chunk, _encoding, done) {
          errorLines.push(String(chunk));
          done();
        },
      }),
    );
    const group = uniqueName('soak');
    const p = sensorProcessor(config, db.ch, group, errorLog);
    await p.processor.start();

    // 1 Hz per asset in simulated time; the simulated span is what RATE readings/s for MINUTES minutes needs.
    const simulatedMinutes = (MINUTES * 60 * RATE) / ASSETS / 60;
    let publishing = true;
    const published = publishPlant(config, {
      minutes: simulatedMinutes,
      assets: ASSETS,
      seed: 71,
      ratePerSecond: RATE,
    }).finally(() => {
      publishing = false;
    });
    const admin = createKafkaClient(config, silent, { clientIdSuffix: 'soak' }).admin();
    await admin.connect();
    const began = Date.now();
    const samples: { minute: number; rssMb: number; heapMb: number; lag: number }[] = [];
    try {
      while (publishing) {
        const at = Date.now();
        const high = await admin.fetchTopicOffsets(topic);
        const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const committed = new Map((entry?.partitions ?? []).map((x) => [x.partition, Number(x.offset)]));
        const lag = high.reduce((s, h) => s + Number(h.high) - Math.max(0, committed.get(h.partition) ?? 0), 0);
        const mem = process.memoryUsage();
        samples.push({ minute: (at - began) / 60_000, rssMb: mem.rss / 2 ** 20, heapMb: mem.heapUsed / 2 ** 20, lag });
        await waitFor(() => !publishing || Date.now() - at >= SAMPLE_MS, {
          description: 'the next sample',
          intervalMs: 100,
        });
      }
    } finally {
      await admin.disconnect();
    }
    const run = await published;
    await waitCaughtUp(config, group, topic, 600_000);
    await p.processor.stop();

    // Skip the first minute (JIT, model loading, caches filling) for the slopes.
    const steady = samples.filter((s) => s.minute >= Math.min(1, MINUTES / 3));
    const x = steady.map((s) => s.minute);
    const figures = {
      minutes: MINUTES,
      rate: RATE,
      produced: run.acknowledged,
      samples: samples.length,
      rssSlopeMbPerMin: Number(
        slope(
          x,
          steady.map((s) => s.rssMb),
        ).toFixed(2),
      ),
      heapSlopeMbPerMin: Number(
        slope(
          x,
          steady.map((s) => s.heapMb),
        ).toFixed(2),
      ),
      lagSlopePerMin: Number(
        slope(
          x,
          steady.map((s) => s.lag),
        ).toFixed(1),
      ),
      maxLag: Math.max(...samples.map((s) => s.lag)),
      finalRssMb: Math.round(samples[samples.length - 1]?.rssMb ?? 0),
      errorLogLines: errorLines.length,
    };
    const audit = await auditAll(config, db.ch);
    reportFigures('soak', { ...figures, lost: audit.totals.missing, duplicated: audit.totals.duplicated });
    expect(errorLines).toEqual([]);
    expect(samples.length).toBeGreaterThan(3);
    expectDeliveredOnce(audit, run.acknowledged);
  });
});
