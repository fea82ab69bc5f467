/**
 * `npm run bench [-- --quick] [-- --only a,b]`: Vigil against its ceilings and its peer, in one run on one machine.
 * Prints markdown tables and writes bench/results/<date>.json; bench/README.md explains every figure.
 *
 * Suites (in order): broker (ProducerPerformance/ConsumerPerformance), publish (publisher vs bare sendBatch),
 * consume (raw kafkajs consume+decode, and + feature engine), pipeline (StreamProcessor in-process), sink
 * (processor-sized inserts vs one bulk insert), onnx (micro-batches vs one large call), latency (fixed rates at
 * 30/60/90 % of the pipeline's maximum, capped at a live maximum, or of --max-rate), scale (100 / 10 000 / 100 000
 * assets, own processes), peer (Quix Streams), external (bench/replay.ts; bench/serving.ts: /v1/score vs
 * hello-world vs the FastAPI + scikit-learn peer).
 *
 * Needs the local stack (`node bin/vigil.js stack up`); uses KAFKA_BROKERS / SCHEMA_REGISTRY_URL like every role.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { topicsFromConfig } from '../core/topics.js';
import { type BenchEnv, openBenchEnv } from './lib/bench-env.js';
import { encodeReadings, fillTopic, readingCodec, simulatedReadings } from './lib/dataset.js';
import { machineDetails } from './lib/machine.js';
import { type BenchReport, renderReport } from './lib/report.js';
import { scaleSvg } from './lib/scale-plot.js';
import { processorRows } from './lib/scored-rows.js';
import { pairedRuns, ratioOf, repeat, type Summary, summarize } from './lib/stats.js';
import { consumerPerformance, producerPerformance } from './suites/broker-perf.js';
import { rawConsumeRate } from './suites/consume.js';
import { runExternal } from './suites/external.js';
import { LATENCY_SPACE_SETTINGS, latencyUnderLoad } from './suites/latency.js';
import { onnxRates } from './suites/onnx.js';
import { quixRate, setupPeer } from './suites/peer.js';
import { pipelineRate } from './suites/pipeline.js';
import { bareSendBatchRate, publisherRate } from './suites/publish.js';
import { fullWindowEstimates, scaleRun } from './suites/scale.js';
import { batchedSinkRate, bulkInsertRate, rowCount } from './suites/sink.js';

const here = dirname(fileURLToPath(import.meta.url));
const SUITES = ['broker', 'publish', 'consume', 'pipeline', 'sink', 'onnx', 'latency', 'scale', 'peer', 'external'];

interface Plan {
  readonly mode: 'quick' | 'full';
  readonly only: Set<string>;
  readonly assets: number;
  readonly minutes: number;
  readonly runs: number;
  readonly pipelineRuns: number;
  readonly perfRecords: number;
  readonly levelSeconds: number;
  /**
   * Highest maximum the latency levels take from the pipeline suite: its catch-up rate is no live maximum for a
   * plant's traffic (bench/README.md, "seventh"), and the back-fill grows with it.
   */
  readonly liveMaxRate: number;
  /** [assets, simulated seconds] per scale run. */
  readonly scale: readonly (readonly [number, number])[];
}

function planFrom(argv: readonly string[]): Plan {
  const quick = argv.includes('--quick');
  const onlyIndex = argv.indexOf('--only');
  const only = new Set(onlyIndex >= 0 ? (argv[onlyIndex + 1] ?? '').split(',') : SUITES);
  for (const name of only)
    if (!SUITES.includes(name)) throw new Error(`unknown suite "${name}" (${SUITES.join(', ')})`);
  return quick
    ? {
        mode: 'quick',
        only,
        assets: 20,
        minutes: 25,
        runs: 2,
        pipelineRuns: 1,
        perfRecords: 300_000,
        levelSeconds: 10,
        liveMaxRate: 600,
        scale: [
          [100, 300],
          [10_000, 5],
          [100_000, 1],
        ],
      }
    : {
        mode: 'full',
        only,
        assets: 40,
        minutes: 30,
        runs: 3,
        pipelineRuns: 2,
        perfRecords: 1_000_000,
        levelSeconds: 30,
        liveMaxRate: 2_000,
        scale: [
          [100, 930],
          [10_000, 30],
          [100_000, 3],
        ],
      };
}

async function main(): Promise<void> {
  const started = performance.now();
  const plan = planFrom(process.argv.slice(2));
  const bench: BenchEnv = await openBenchEnv(process.env);
  const log = (text: string) =>
    process.stderr.write(`[bench ${((performance.now() - started) / 1000).toFixed(0)}s] ${text}\n`);
  const rates: Record<string, Summary> = {};
  const report: BenchReport = {
    date: new Date().toISOString(),
    mode: plan.mode,
    elapsedSeconds: 0,
    machine: machineDetails(),
    dataset: {},
    rates,
    ratios: [],
    latency: [],
    scale: [],
    notes: [],
    skipped: [],
  };
  const ratio = (name: string, vigil: string, ceiling: string, target: string) => {
    const v = rates[vigil];
    const c = rates[ceiling];
    if (v && c) report.ratios.push({ name, vigil, ceiling, ratio: ratioOf(v, c), target });
  };
  try {
    log(`simulating ${plan.assets} assets x ${plan.minutes} min at 1 Hz`);
    const readings = simulatedReadings({ assets: plan.assets, minutes: plan.minutes });
    const data = await bench.space('data');
    const codec = await readingCodec(data.config);
    const messages = encodeReadings(codec, readings);
    const dataTopic = topicsFromConfig(data.config).sensorReadings.name;
    const meanBytes = Math.round(messages.reduce((s, m) => s + (m.value as Buffer).length, 0) / messages.length);
    log(`filling ${dataTopic} with ${messages.length} records (${meanBytes} B mean)`);
    await fillTopic(data.config, bench.logger, dataTopic, messages);
    Object.assign(report.dataset, {
      assets: plan.assets,
      minutes: plan.minutes,
      records: messages.length,
      meanRecordBytes: meanBytes,
      partitions: topicsFromConfig(data.config).sensorReadings.partitions,
      seed: 20_260_302,
    });
    const n = messages.length;

    if (plan.only.has('broker')) {
      const perf = { java: 'java', kafkaLibDir: bench.kafkaLibDir, bootstrap: bench.base.kafka.brokers.join(',') };
      const perfSpace = await bench.space('perf');
      const perfTopic = topicsFromConfig(perfSpace.config).sensorReadings.name;
      log('broker ProducerPerformance');
      rates['broker ProducerPerformance (acks=all)'] = (
        await repeat(plan.runs, 0, () => producerPerformance(perf, perfTopic, plan.perfRecords, meanBytes))
      ).summary;
      log('broker ConsumerPerformance');
      rates['broker ConsumerPerformance'] = (
        await repeat(plan.runs, 1, () => consumerPerformance(perf, dataTopic, n))
      ).summary;
    }

    if (plan.only.has('publish')) {
      const space = await bench.space('publish');
      const slice = readings.slice(0, Math.min(readings.length, plan.mode === 'quick' ? 40_000 : 100_000));
      const pre = encodeReadings(codec, slice);
      log(`publish: ${slice.length} events, publisher vs bare sendBatch`);
      // Runs of a few seconds each: paired and repeated more than the other suites, the ratio is the median of
      // per-pair ratios (pairedRuns).
      const paired = await pairedRuns(
        plan.runs + 4,
        1,
        () => bareSendBatchRate(space.config, bench.logger, pre),
        () => publisherRate(space.config, bench.logger, slice),
      );
      rates['bare kafkajs sendBatch (pre-encoded)'] = paired.ceiling;
      rates['Vigil publisher'] = paired.vigil;
      report.ratios.push({
        name: 'publisher ÷ bare sendBatch (paired runs)',
        vigil: 'Vigil publisher',
        ceiling: 'bare kafkajs sendBatch (pre-encoded)',
        ratio: paired.ratio,
        target: '≥ 0.9',
      });
      ratio(
        'publisher ÷ ProducerPerformance',
        'Vigil publisher',
        'broker ProducerPerformance (acks=all)',
        '(orientation)',
      );
    }

    if (plan.only.has('consume')) {
      log('raw kafkajs consume + decode');
      rates['raw kafkajs consume + Avro decode'] = (
        await repeat(plan.runs, 1, () =>
          rawConsumeRate(data.config, bench.logger, codec, { records: n, features: false }),
        )
      ).summary;
      log('kafkajs consume + decode + Vigil feature engine');
      rates['Vigil features only (consume + decode + windows)'] = (
        await repeat(plan.runs, 0, () =>
          rawConsumeRate(data.config, bench.logger, codec, { records: n, features: true }),
        )
      ).summary;
      ratio(
        'raw consume+decode ÷ ConsumerPerformance',
        'raw kafkajs consume + Avro decode',
        'broker ConsumerPerformance',
        '(orientation)',
      );
    }

    if (plan.only.has('pipeline')) {
      log(`pipeline: StreamProcessor over ${n} records, ${plan.pipelineRuns} run(s)`);
      const shares: string[] = [];
      rates['Vigil pipeline (StreamProcessor, committed)'] = (
        await repeat(plan.pipelineRuns, 0, async () => {
          const r = await pipelineRate(data.config, bench.logger, bench.clickhouse, n);
          shares.push(
            `${Math.round(r.eventsPerSecond)} ev/s: ${r.scored} scored, model ${(r.modelShare * 100).toFixed(0)} %, sink ${(r.sinkShare * 100).toFixed(0)} % of wall time`,
          );
          log(`  ${shares[shares.length - 1]}`);
          return r.eventsPerSecond;
        })
      ).summary;
      report.notes.push(`pipeline runs: ${shares.join('; ')}`);
      ratio(
        'pipeline ÷ raw consume+decode',
        'Vigil pipeline (StreamProcessor, committed)',
        'raw kafkajs consume + Avro decode',
        '≥ 0.6',
      );
    }

    // What one fetched batch holds: maxBatchBytes per partition over the record size on the wire (~70 B framing).
    const processorBatch = Math.max(1, Math.floor(data.config.processor.maxBatchBytes / (meanBytes + 70)));
    if (plan.only.has('sink')) {
      const keep = plan.mode === 'quick' ? 10_000 : 20_000;
      log(`sink: processor outputs of the last ${keep} events in batches of ${processorBatch}`);
      const batches = await processorRows(data.config, bench.logger, readings, processorBatch, readings.length - keep);
      const rows = rowCount(batches);
      const perTable: string[] = [];
      rates['ClickHouse bulk insert (rows/s)'] = (
        await repeat(plan.runs, 0, async () => {
          const r = await bulkInsertRate(bench.clickhouse, batches);
          perTable.push(
            Object.entries(r.secondsByTable)
              .map(([t, sec]) => `${t} ${sec.toFixed(2)} s`)
              .join(', '),
          );
          return r.rate;
        })
      ).summary;
      rates['Vigil sink, processor-sized inserts (rows/s)'] = (
        await repeat(plan.runs, 0, () => batchedSinkRate(bench.clickhouse, batches))
      ).summary;
      report.notes.push(
        `sink: ${rows} rows (${batches.length} batches of ${processorBatch} events: raw, features, inferences, alerts); bulk insert time by table: ${perTable.join(' | ')}`,
      );
      ratio(
        'sink ÷ bulk insert',
        'Vigil sink, processor-sized inserts (rows/s)',
        'ClickHouse bulk insert (rows/s)',
        '≥ 0.7',
      );
    }

    if (plan.only.has('onnx')) {
      const microBatch = Math.max(1, Math.round(processorBatch / 5));
      const maxRows = plan.mode === 'quick' ? 5_000 : 20_000;
      log(`onnx: micro-batches of ${microBatch} vs one call of up to ${maxRows} rows`);
      const micro: number[] = [];
      const one: number[] = [];
      let rowsScored = 0;
      for (let r = 0; r < plan.runs; r++) {
        const x = await onnxRates(data.config, readings, microBatch, maxRows);
        micro.push(x.microBatchRowsPerSecond);
        one.push(x.oneCallRowsPerSecond);
        rowsScored = x.rows;
      }
      rates['ONNX one large call (rows/s)'] = summarize(one);
      rates[`ONNX micro-batches of ${microBatch} (rows/s)`] = summarize(micro);
      report.notes.push(
        `onnx: sensors-pump model, ${rowsScored} rows; micro-batch = one fetched batch (${processorBatch} events) split over the 5 asset-type models`,
      );
      ratio(
        'batched ONNX ÷ one large call',
        `ONNX micro-batches of ${microBatch} (rows/s)`,
        'ONNX one large call (rows/s)',
        '≥ 0.8',
      );
    }

    if (plan.only.has('latency')) {
      const pipelineMax = rates['Vigil pipeline (StreamProcessor, committed)']?.median;
      const argIndex = process.argv.indexOf('--max-rate');
      const given = argIndex >= 0 ? Number(process.argv[argIndex + 1]) : undefined;
      const maxRate = given ?? Math.min(pipelineMax ?? plan.liveMaxRate, plan.liveMaxRate);
      const space = await bench.space('latency', LATENCY_SPACE_SETTINGS);
      const secondsPerLevel = plan.levelSeconds;
      log(`latency: levels of ${secondsPerLevel} s at 30/60/90 % of ${Math.round(maxRate)} ev/s`);
      report.latency.push(
        ...(await latencyUnderLoad({
          env: space.env,
          config: space.config,
          logger: bench.logger,
          clickhouse: bench.clickhouse,
          maxRate,
          secondsPerLevel,
          shares: [0.3, 0.6, 0.9],
        })),
      );
      report.notes.push(
        `latency: maximum = ${given !== undefined ? 'given (--max-rate)' : pipelineMax !== undefined && pipelineMax < plan.liveMaxRate ? 'the pipeline suite median' : 'the live maximum of a plant\'s traffic (bench/README.md, "seventh")'} ${Math.round(maxRate)} ev/s; each asset at its type's sample interval (a level of R events/s is the first assets adding up to R), 16 min of back-filled history per asset, ${secondsPerLevel} s per level; the first second of each level is left out`,
      );
    }

    if (plan.only.has('peer')) {
      log('peer: Quix Streams (bench/peers/setup.sh, then the same windows over the dataset topic)');
      const python = setupPeer();
      if (python === undefined) report.skipped.push('peer: bench/peers/setup.sh failed (see its output)');
      else {
        const maxSeconds = plan.mode === 'quick' ? 20 : 60;
        const bootstrap = bench.base.kafka.brokers.join(',');
        for (const windows of ['sliding', 'hopping'] as const) {
          rates[`Quix Streams 3.28.1, ${windows} windows`] = (
            await repeat(plan.mode === 'quick' ? 1 : 2, 0, () =>
              quixRate(python, bootstrap, dataTopic, n, windows, maxSeconds),
            )
          ).summary;
          ratio(
            `Vigil features only ÷ Quix (${windows})`,
            'Vigil features only (consume + decode + windows)',
            `Quix Streams 3.28.1, ${windows} windows`,
            '≥ 10 (claim)',
          );
          ratio(
            `Vigil pipeline ÷ Quix (${windows})`,
            'Vigil pipeline (StreamProcessor, committed)',
            `Quix Streams 3.28.1, ${windows} windows`,
            '≥ 10 (claim)',
          );
        }
        report.notes.push(
          `peer: Quix Streams 3.28.1 computes count/mean/std/min/max per channel over 1/5/15 min (a subset of Vigil's features), no model, no sink; each run stops after ${maxSeconds} s and its rate is over the events processed by then`,
        );
      }
    }

    if (plan.only.has('scale')) {
      for (const [assets, seconds] of plan.scale) {
        log(`scale: ${assets} assets x ${seconds} simulated s`);
        report.scale.push(await scaleRun(assets, seconds, data.env));
      }
      report.scale.splice(0, report.scale.length, ...fullWindowEstimates(report.scale));
      const svg = scaleSvg(
        report.scale,
        `Vigil bench ${report.date.slice(0, 10)} (${plan.mode}); ${report.machine.cpuModel}, ${report.machine.cores} cores; simulated seconds: ${plan.scale.map(([a, s2]) => `${a}: ${s2}`).join(', ')}`,
      );
      writeFileSync(join(here, `scale-${plan.mode}.svg`), svg);
      report.notes.push(`scale plot: bench/scale-${plan.mode}.svg`);
    }

    if (plan.only.has('external')) {
      for (const [file, args] of [
        ['bench/replay.ts', plan.mode === 'quick' ? ['--quick'] : []],
        ['bench/serving.ts', plan.mode === 'quick' ? ['--seconds', '3', '--rounds', '1'] : []],
      ] as const) {
        log(`external: ${file}`);
        const out = await runExternal(file, [...args], data.env);
        if (out === undefined) report.skipped.push(`${file}: not present`);
        else report.notes.push(`${file}:\n\n${out}`);
      }
    }
  } finally {
    await bench.close();
  }
  report.elapsedSeconds = Math.round((performance.now() - started) / 1000);
  const text = renderReport(report);
  process.stdout.write(text);
  const out = join(here, 'results', `${report.date.slice(0, 19).replace(/:/g, '-')}.json`);
  mkdirSync(dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stderr.write(`report written to ${out}\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
