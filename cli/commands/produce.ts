/**
 * `vigil produce plant | orders | file`: the producers role. Each subcommand builds a source (a simulator or the
 * file importer) and sends its events to a sink: a JSONL file with `--out`, otherwise Kafka through the publishing
 * library (acknowledged, flushed on Ctrl-C). Ground truth goes to `--truth` (a file or ClickHouse).
 */
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { importFile } from '../../producers/importer/file-importer.js';
import { progressReporter } from '../../producers/importer/progress.js';
import { parseTime } from '../../producers/importer/values.js';
import { OrderSimulator } from '../../producers/orders/order-simulator.js';
import { loadPlant, withOverrides } from '../../producers/plant/load-plant.js';
import { PlantSimulator } from '../../producers/plant/plant-simulator.js';
import { openPublisher } from '../../producers/publish/open-publisher.js';
import {
  type EventSource,
  type RunResult,
  runHistorical,
  runRealtime,
  systemClock,
} from '../../producers/run-source.js';
import { ClickHouseTruthSink } from '../../producers/sinks/clickhouse-truth-sink.js';
import type { EventSink } from '../../producers/sinks/event-sink.js';
import { JsonlFileSink } from '../../producers/sinks/jsonl-sink.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

const BAD_ROWS_SHOWN = 20;

function usage(detail: string): never {
  throw cliError('VIGIL_CLI_USAGE', { detail });
}

function number(name: string, min: number, max = Number.POSITIVE_INFINITY) {
  return (raw: string): number => {
    const value = Number(raw);
    if (raw.trim() === '' || !Number.isFinite(value) || value < min || value > max) {
      usage(`${name} must be a number between ${min} and ${max}, got "${raw}"`);
    }
    return value;
  };
}

function integer(name: string, min: number) {
  return (raw: string): number => {
    const value = number(name, min)(raw);
    if (!Number.isInteger(value)) usage(`${name} must be an integer, got "${raw}"`);
    return value;
  };
}

function time(name: string) {
  return (raw: string): number => {
    const value = parseTime(raw);
    if (value === null)
      usage(`${name} must be a time such as 2024-01-01, 2024-01-01T06:00:00Z or epoch ms, got "${raw}"`);
    return value;
  };
}

function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)$/.exec(raw.trim());
  if (!match) usage(`--duration must look like 30s, 10m, 2h or 1d, got "${raw}"`);
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] as 'ms'];
  return Math.round(Number(match[1]) * unit);
}

/** Where events go: a JSONL file with --out, otherwise published to the stream's Kafka topic. */
async function openSink<E>(
  ctx: CliContext,
  topic: 'sensor-readings' | 'orders',
  out: string | undefined,
): Promise<EventSink<E>> {
  if (out !== undefined) return new JsonlFileSink<E>(out);
  return (await openPublisher(topic, ctx.config(), ctx.logger())) as unknown as EventSink<E>;
}

/**
 * Where ground truth goes: a JSONL file, or `clickhouse` (table fault_ground_truth; with the embedded engine
 * this needs the data directory to be free, so not while `vigil process` runs in another process).
 */
async function openTruthSink(ctx: CliContext, truth: string | undefined, seed: number) {
  if (truth === undefined) return { sink: undefined, close: async () => {} };
  if (truth !== 'clickhouse') return { sink: new JsonlFileSink<GroundTruth>(truth), close: async () => {} };
  const ch = await createClickHouse(ctx.config(), ctx.logger());
  return { sink: new ClickHouseTruthSink(ch, { seed }), close: () => ch.close() };
}

function destination(out: string | undefined): string {
  return out ?? 'Kafka (published and acknowledged)';
}

interface TimingOptions {
  seed: number;
  from?: number;
  to?: number;
  duration?: number;
  out?: string;
  truth?: string;
}

/** Historical (--from/--to, as fast as possible) or real time (from now, for --duration or until Ctrl-C). */
function window(o: TimingOptions): { start: number; end: number | undefined; realtime: boolean } {
  if (o.from !== undefined || o.to !== undefined) {
    if (o.from === undefined || o.to === undefined) usage('--from and --to go together (a historical run)');
    if (o.from >= o.to) usage('--from must be before --to');
    if (o.duration !== undefined) usage('--duration is for real-time runs; a historical run is bounded by --from/--to');
    return { start: o.from, end: o.to, realtime: false };
  }
  const now = systemClock.now();
  return { start: now, end: o.duration === undefined ? undefined : now + o.duration, realtime: true };
}

async function drive<E>(
  source: EventSource<E>,
  sink: EventSink<E>,
  truth: { pending: GroundTruth[]; sink: EventSink<GroundTruth> | undefined },
  realtime: boolean,
): Promise<RunResult> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const options = { source, sink, truth, signal: controller.signal };
    return realtime ? await runRealtime(options, systemClock) : await runHistorical(options);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    await sink.close();
    await truth.sink?.close();
  }
}

function addTimingOptions(command: Command): Command {
  return command
    .option(
      '--seed <n>',
      'seed of the simulation: the same seed and options give the same events',
      integer('--seed', 0),
      1,
    )
    .option('--from <time>', 'historical run: first event time (ISO 8601 or epoch ms)', time('--from'))
    .option('--to <time>', 'historical run: end of event time, exclusive', time('--to'))
    .option('--duration <d>', 'real-time run: stop after this long (default: until Ctrl-C)', duration)
    .option('--out <file.jsonl>', 'write events as JSON Lines to this file instead of publishing')
    .option(
      '--truth <file.jsonl|clickhouse>',
      'write ground-truth records (injected anomalies) as JSON Lines to this file, or to ClickHouse',
    );
}

function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined || !Number.isFinite(ms) ? '-' : new Date(ms).toISOString();
}

export function registerProduce(program: Command, ctx: CliContext): void {
  const produce = program.command('produce').description('generate or import events (simulators, file import)');

  addTimingOptions(
    produce
      .command('plant')
      .description('simulate a plant: sensor readings with realistic dynamics, data problems and faults')
      .option('--plant <file.json>', 'plant description (default: VIGIL_PLANT_FILE or the committed default plant)')
      .option('--assets <n>', 'number of assets (the plant cloned or truncated to n)', integer('--assets', 1))
      .option('--hz <f>', 'samples per second per asset (overrides the asset types)', number('--hz', 0.001, 1000))
      .option('--fault-rate <n>', 'faults per asset per simulated day', number('--fault-rate', 0))
      .option('--missing-rate <p>', 'fraction of readings never sent', number('--missing-rate', 0, 1))
      .option(
        '--duplicate-rate <p>',
        'fraction of readings re-sent with the same eventId',
        number('--duplicate-rate', 0, 1),
      )
      .option('--late-rate <p>', 'fraction of readings arriving late', number('--late-rate', 0, 1))
      .option('--nan-rate <p>', 'fraction of readings with a NaN channel', number('--nan-rate', 0, 1))
      .option('--no-data-problems', 'clean data: no missing, duplicated, reordered, late or NaN readings'),
  ).action(async (o) => {
    const timing = window(o);
    const plant = withOverrides(await loadPlant(o.plant ?? ctx.config().producers.plantFile), {
      faultsPerAssetPerDay: o.faultRate,
      missingRate: o.missingRate,
      duplicateRate: o.duplicateRate,
      lateRate: o.lateRate,
      nanRate: o.nanRate,
      noDataProblems: o.dataProblems === false,
    });
    const log = ctx.logger().child({ component: 'producer', stream: 'sensors' });
    const sink = await openSink<SensorReading>(ctx, 'sensor-readings', o.out);
    const truthSink = await openTruthSink(ctx, o.truth, o.seed);
    const truth = { pending: [] as GroundTruth[], sink: truthSink.sink };
    const sim = new PlantSimulator(plant, {
      seed: o.seed,
      start: timing.start,
      end: timing.end,
      assets: o.assets,
      hz: o.hz,
      onTruth: (t) => truth.pending.push(t),
    });
    log.info({ assets: sim.assets.length, realtime: timing.realtime, seed: o.seed }, 'plant simulation started');
    const result = await drive(sim, sink, truth, timing.realtime).finally(truthSink.close);
    const s = sim.stats;
    ctx.out.write(
      `plant: ${result.events} readings from ${sim.assets.length} assets (${iso(timing.start)} .. ${iso(timing.end)})\n` +
        `  data problems: ${s.missing} missing, ${s.duplicates} duplicated, ${s.outOfOrder} out of order, ${s.late} late, ${s.nan} NaN\n` +
        `  ground truth: ${result.truthRecords} faults${o.truth ? ` -> ${o.truth}` : ''}\n` +
        `  events -> ${destination(o.out)}\n`,
    );
  });

  addTimingOptions(
    produce
      .command('orders')
      .description('simulate e-commerce orders with seasonality and anomalies')
      .option('--stores <n>', 'number of stores', integer('--stores', 1), 5)
      .option('--rate <per-minute>', 'median orders per minute per store', number('--rate', 0.001), 2)
      .option('--anomaly-rate <n>', 'anomalies per store per simulated day', number('--anomaly-rate', 0), 1)
      .option(
        '--duplicate-rate <p>',
        'fraction of orders re-sent with the same eventId',
        number('--duplicate-rate', 0, 1),
      )
      .option('--late-rate <p>', 'fraction of orders arriving late', number('--late-rate', 0, 1)),
  ).action(async (o) => {
    const timing = window(o);
    const sink = await openSink<unknown>(ctx, 'orders', o.out);
    const truthSink = await openTruthSink(ctx, o.truth, o.seed);
    const truth = { pending: [] as GroundTruth[], sink: truthSink.sink };
    const sim = new OrderSimulator({
      seed: o.seed,
      start: timing.start,
      end: timing.end,
      stores: o.stores,
      ordersPerMinute: o.rate,
      anomaliesPerStorePerDay: o.anomalyRate,
      duplicateRate: o.duplicateRate,
      lateRate: o.lateRate,
      onTruth: (t) => truth.pending.push(t),
    });
    ctx
      .logger()
      .child({ component: 'producer', stream: 'orders' })
      .info({ stores: o.stores }, 'order simulation started');
    const result = await drive(sim, sink, truth, timing.realtime).finally(truthSink.close);
    ctx.out.write(
      `orders: ${result.events} orders from ${o.stores} stores (${iso(timing.start)} .. ${iso(timing.end)})\n` +
        `  ${sim.stats.duplicates} duplicated, ${sim.stats.late} late\n` +
        `  ground truth: ${result.truthRecords} anomalies${o.truth ? ` -> ${o.truth}` : ''}\n` +
        `  events -> ${destination(o.out)}\n`,
    );
  });

  produce
    .command('file <path>')
    .description('import sensor readings from a CSV or JSONL file (streamed, bad rows reported and skipped)')
    .option('--format <format>', 'csv or jsonl (default: from the file extension)')
    .option('--delimiter <d>', 'CSV delimiter: comma, semicolon or tab (default: detected)')
    .option('--time-column <name>', 'column with the event time (default: detected)')
    .option('--asset-column <name>', 'column with the asset id (default: detected)')
    .option('--asset <id>', 'one asset id for every row (a file from one machine)')
    .option(
      '--asset-type <type>',
      'asset type of the readings; a new type takes its channels from the columns',
      'imported',
    )
    .option('--site <id>', 'site of the readings', 'imported')
    .option('--line <id>', 'line of the readings', 'imported')
    .option('--channels <a,b>', 'channel columns to import (default: every numeric column)')
    .option('--label <column>', 'column marking anomalous rows; contiguous labelled rows become ground truth')
    .option('--source <name>', 'name of this import in event ids and ground truth (default: the file name)')
    .option('--out <file.jsonl>', 'write SensorReading JSON Lines to this file instead of publishing')
    .option(
      '--truth <file.jsonl|clickhouse>',
      'write ground truth from --label as JSON Lines to this file, or to ClickHouse',
    )
    .action(async (path: string, o) => {
      if (o.format !== undefined && o.format !== 'csv' && o.format !== 'jsonl') usage('--format must be csv or jsonl');
      const delimiters: Record<string, ',' | ';' | '\t'> = {
        comma: ',',
        ',': ',',
        semicolon: ';',
        ';': ';',
        tab: '\t',
        '\\t': '\t',
      };
      const delimiter = o.delimiter === undefined ? undefined : delimiters[o.delimiter];
      if (o.delimiter !== undefined && delimiter === undefined) usage('--delimiter must be comma, semicolon or tab');
      if (o.asset !== undefined && o.assetColumn !== undefined) usage('use either --asset or --asset-column, not both');
      if (o.truth !== undefined && o.label === undefined)
        usage('--truth needs --label (the column marking anomalous rows)');
      const sink = await openSink<SensorReading>(ctx, 'sensor-readings', o.out);
      const truthTarget = await openTruthSink(ctx, o.truth, 0);
      const truthSink = truthTarget.sink;
      const progress = ctx.interactive
        ? progressReporter(
            (s) => ctx.err.write(s),
            () => Date.now(),
          )
        : undefined;
      let shown = 0;
      try {
        const summary = await importFile(
          {
            path,
            format: o.format,
            delimiter,
            timeColumn: o.timeColumn,
            assetColumn: o.assetColumn,
            asset: o.asset,
            assetType: o.assetType,
            site: o.site,
            line: o.line,
            channels: o.channels
              ?.split(',')
              .map((c: string) => c.trim())
              .filter(Boolean),
            labelColumn: o.label,
            source: o.source,
          },
          sink,
          {
            truthSink,
            onProgress: progress ? (p) => progress.update(p) : undefined,
            onBadRow: (bad) => {
              if (shown++ < BAD_ROWS_SHOWN) ctx.err.write(`line ${bad.line}: ${bad.reason} (${bad.detail})\n`);
              else if (shown === BAD_ROWS_SHOWN + 1) ctx.err.write('further bad rows are counted, not shown\n');
            },
          },
        );
        progress?.done();
        const reasons = Object.entries(summary.badRowsByReason)
          .map(([r, n]) => `${r}: ${n}`)
          .join(', ');
        ctx.out.write(
          `import ${summary.path} (${summary.format}${summary.delimiter ? `, delimiter ${JSON.stringify(summary.delimiter)}` : ''}, time column ${summary.timeColumn ?? '-'})\n` +
            `  rows read: ${summary.rowsRead}, events: ${summary.events}, bad rows: ${summary.badRows}${reasons ? ` (${reasons})` : ''}\n` +
            `  time range: ${iso(summary.firstTime)} .. ${iso(summary.lastTime)}\n` +
            `  assets (${summary.assets.length}): ${summary.assets.slice(0, 20).join(', ')}${summary.assets.length > 20 ? ', ...' : ''}\n` +
            `  asset type ${summary.assetType}, channels: ${summary.channels.join(', ')}\n` +
            `  ground truth: ${summary.truthRecords} labelled spans${o.truth ? ` -> ${o.truth}` : ''}\n` +
            `  events -> ${destination(o.out)}\n`,
        );
      } finally {
        await sink.close();
        await truthSink?.close();
        await truthTarget.close();
      }
    });
}
