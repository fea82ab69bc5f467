/**
 * `vigil evaluate`: detection quality against the ground truth — point-wise and event-wise precision, recall and
 * F1 per fault kind, detection delay, false alerts per asset per day (evaluation/README.md defines each).
 *
 * - From ClickHouse (default): what the live stream (`--run-id live`) or a replay run stored.
 * - `--simulate`: the plant simulator through the shared ScoringPipeline with the committed models in process
 *   (optionally `--write` to ClickHouse); `--sweep` replays other alert-policy settings on the same scores.
 */
import type { Command } from 'commander';
import { FeatureSetNames } from '../../adapters/clickhouse/feature-set-names.js';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { alertRow, inferenceRow } from '../../adapters/clickhouse/rows.js';
import { type AlertPolicyConfig, alertPolicyFromConfig, defineAlertPolicy } from '../../core/alerts/index.js';
import type { DeadLetterReason } from '../../core/events/types.js';
import { speedChannel } from '../../core/plant/catalogue.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { sensorStream } from '../../core/scoring/index.js';
import { evaluationError } from '../../evaluation/errors.js';
import { type EvaluationReport, evaluate } from '../../evaluation/metrics.js';
import { openDirectoryModels } from '../../evaluation/model-dir-models.js';
import { formatReport, meetsTargets, missedTargets, RECALL_TARGETS } from '../../evaluation/report-format.js';
import { evaluateSimulated } from '../../evaluation/simulated-run.js';
import { evaluateStored } from '../../evaluation/stored-run.js';
import { describePolicy, parseSweep, policiesOf, type SweepGrid, SweepSpecError } from '../../evaluation/sweep.js';
import { loadRun, saveRun } from '../../evaluation/trace-file.js';
import { parseTime } from '../../producers/importer/values.js';
import { loadPlant } from '../../producers/plant/load-plant.js';
import { fleet, PlantSimulator } from '../../producers/plant/plant-simulator.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { catalogueChannels, contractChecked } from './train-history.js';

const DAY_MS = 86_400_000;
/** Default start of a simulated evaluation: after the models' training period (2026-01-05 + 3 days). */
export const SIMULATE_DEFAULT_START = Date.UTC(2026, 1, 2);

function usage(detail: string): never {
  throw cliError('VIGIL_CLI_USAGE', { detail });
}

const time = (name: string) => (raw: string) =>
  parseTime(raw) ?? usage(`${name} must be a time (ISO 8601 or epoch ms), got "${raw}"`);

function positive(name: string, integer: boolean) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!(n > 0) || (integer && !Number.isInteger(n)))
      usage(`${name} must be a ${integer ? 'whole ' : ''}number > 0, got "${raw}"`);
    return n;
  };
}

function duration(raw: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw.trim());
  if (m === null) usage(`--grace must be a duration such as 0, 5m, 15m, got "${raw}"`);
  return Math.round(Number(m[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[(m[2] ?? 'ms') as 'ms']);
}

interface EvaluateFlags {
  stream: string;
  from?: number;
  to?: number;
  runId: string;
  truthRunId?: string;
  grace?: number;
  json?: boolean;
  simulate?: boolean;
  days: number;
  assets?: number;
  seed: number;
  start?: number;
  models: string;
  write?: boolean;
  sweep?: string;
  saveTrace?: string;
  trace?: string;
  check?: boolean;
}

export function registerEvaluate(program: Command, ctx: CliContext): void {
  program
    .command('evaluate')
    .description('detection quality against the ground truth: precision/recall/F1 per fault kind, delay, false alerts')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--from <time>', 'start of the evaluated period (default: first score of the run)', time('--from'))
    .option('--to <time>', 'end of the period, exclusive (default: after the last score)', time('--to'))
    .option(
      '--run-id <id>',
      'live (the stream) or a replay run id; with --simulate --write: the run id written',
      'live',
    )
    .option('--truth-run-id <id>', 'only ground truth rows of this run id (default: all of the stream)')
    .option(
      '--grace <d>',
      'how long after a fault an alert still counts for it (default: longest feature window)',
      duration,
    )
    .option('--json', 'print the report as JSON')
    .option('--simulate', 'simulate the plant and score it in process with the committed models (no Kafka)')
    .option('--days <n>', 'with --simulate: simulated days', positive('--days', false), 1)
    .option('--assets <n>', "with --simulate: assets (the plant's, cloned beyond it)", positive('--assets', true))
    .option(
      '--seed <n>',
      'with --simulate: simulation seed (tune and report on different seeds)',
      positive('--seed', true),
      101,
    )
    .option(
      '--start <time>',
      'with --simulate: first evaluated event time (default 2026-02-02T00:00Z)',
      time('--start'),
    )
    .option('--models <dir>', 'with --simulate: model directories (<dir>/sensors-<asset type>)', 'models')
    .option('--write', 'with --simulate: also write inferences, alerts and ground truth to ClickHouse')
    .option(
      '--save-trace <file>',
      'with --simulate: save the scores and ground truth to evaluate again without scoring',
    )
    .option('--trace <file>', 'evaluate scores saved by --save-trace (the alert policy is replayed on them)')
    .option('--sweep <grid>', 'with --simulate or --trace: alert settings to compare, e.g. "k=3,5;n=10;openRatio=0,5"')
    .option('--check', 'exit with code 1 when a target is missed')
    .action(async (o: EvaluateFlags) => {
      if (o.stream !== 'sensors' && o.stream !== 'orders')
        usage(`--stream must be sensors or orders, got "${o.stream}"`);
      if (o.from !== undefined && o.to !== undefined && o.from >= o.to) usage('--from must be before --to');
      if (!o.simulate && (o.write || o.saveTrace)) usage('--write and --save-trace need --simulate');
      if (o.sweep && !o.simulate && !o.trace) usage('--sweep needs --simulate or --trace');
      if (o.simulate && o.trace) usage('--simulate and --trace exclude each other');
      const grid = gridOf(o);
      const config = ctx.config();
      const windows = o.stream === 'orders' ? config.features.orderWindowsMs : config.features.windowsMs;
      const graceMs = o.grace ?? Math.max(...windows);
      const runId = o.runId === 'live' ? '' : o.runId;
      if (o.simulate) return simulate(ctx, o, graceMs, runId, grid);
      if (o.trace) return fromTrace(ctx, o, graceMs, grid);
      const ch = await createClickHouse(config, ctx.logger());
      try {
        const report = await evaluateStored(ch, {
          stream: o.stream,
          runId,
          truthRunId: o.truthRunId,
          from: o.from,
          to: o.to,
          graceMs,
        });
        ctx.out.write(o.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
        check(o, report);
      } finally {
        await ch.close();
      }
    });
}

function gridOf(o: EvaluateFlags): SweepGrid | undefined {
  try {
    return o.sweep === undefined ? undefined : parseSweep(o.sweep);
  } catch (error) {
    if (error instanceof SweepSpecError) usage(`--sweep: ${error.message}`);
    throw error;
  }
}

async function simulate(
  ctx: CliContext,
  o: EvaluateFlags,
  graceMs: number,
  runId: string,
  grid: SweepGrid | undefined,
): Promise<void> {
  if (o.stream !== 'sensors') usage('--simulate evaluates the sensors stream (the plant simulator)');
  if (o.from !== undefined || o.to !== undefined) usage('with --simulate the period is --start and --days');
  const config = ctx.config();
  const log = ctx.logger().child({ component: 'evaluate' });
  const plant = await loadPlant(config.producers.plantFile);
  const stream = sensorStream(config.features, catalogueChannels(plant), (t) => speedChannel(t, plant));
  const assets = fleet(plant, o.assets);
  const types = [...new Set(assets.map((a) => a.type))].sort();
  const warmup = Math.max(...config.features.windowsMs) + config.features.allowedLatenessMs;
  const from = o.start ?? SIMULATE_DEFAULT_START;
  const to = from + Math.round(o.days * DAY_MS);
  const writeRunId = runId === '' ? `simulate-seed${o.seed}` : runId;
  const truth: GroundTruth[] = [];
  const rejected = new Map<DeadLetterReason, number>();
  const simulator = new PlantSimulator(plant, {
    seed: o.seed,
    start: from - warmup,
    end: to,
    assets: assets.length,
    onTruth: (t) => truth.push(t),
  });
  const models = await openDirectoryModels(o.models, 'sensors', types, (t) => stream.featureSet(t));
  const policy = alertPolicyFromConfig('sensors-default', config.alerts);
  const ch = o.write ? await createClickHouse(config, ctx.logger()) : undefined;
  const command = `vigil evaluate --simulate --days ${o.days} --assets ${assets.length} --seed ${o.seed} --start ${new Date(from).toISOString()}`;
  try {
    ctx.err.write(
      `simulating ${assets.length} assets (${types.join(', ')}) for ${o.days} days from ${new Date(from).toISOString()}, seed ${o.seed}; models: ${models.models.map((m) => `${m.name}@${m.version}`).join(', ')}\n`,
    );
    const featureSetNames = ch === undefined ? undefined : new FeatureSetNames(ch);
    const started = performance.now();
    const result = await evaluateSimulated({
      stream,
      models: models.selector,
      policy,
      events: contractChecked(drain(simulator), plant, rejected),
      truth: () => truth,
      assets: assets.length,
      from,
      to,
      graceMs,
      runId: writeRunId,
      scoredAt: Date.now(), // when it was scored (the wall clock), not the simulated period's end
      onProgress: (n) => ctx.err.write(`  ${n} readings\n`),
      onBatch:
        ch === undefined
          ? undefined
          : async (batch) => {
              await featureSetNames?.ensure(batch.inferences);
              await ch.insertRows(
                'inferences',
                batch.inferences.map((i) => inferenceRow(i, { runId: writeRunId })),
              );
              await ch.insertRows(
                'alerts',
                batch.alerts.map((a) => alertRow(a, writeRunId)),
              );
            },
    });
    if (ch !== undefined) {
      await ch.insertRows(
        'fault_ground_truth',
        truth.map((t) => ({
          source: t.source,
          stream: t.stream,
          key: t.key,
          channels: t.channels,
          kind: t.kind,
          start_time: t.start,
          end_time: t.end,
          run_id: writeRunId,
          seed: o.seed,
        })),
      );
    }
    log.info(
      {
        readings: result.run.events,
        deadLetters: Object.fromEntries(rejected),
        scored: result.run.trace.scored,
        seconds: (performance.now() - started) / 1000,
      },
      'simulated run scored',
    );
    if (o.saveTrace !== undefined) {
      await saveRun(o.saveTrace, {
        trace: result.run.trace,
        faults: result.faults,
        from,
        to,
        assets: assets.length,
        source: command,
      });
      ctx.err.write(`scores saved to ${o.saveTrace}: vigil evaluate --trace ${o.saveTrace} [--sweep ...]\n`);
    }
    if (ch !== undefined)
      ctx.err.write(`written to ClickHouse as run ${writeRunId}: vigil evaluate --run-id ${writeRunId}\n`);
    printResult(ctx, o, result, policy, grid, command);
  } finally {
    await models.close();
    await ch?.close();
  }
}

/** Re-evaluates a saved trace (`--trace`): the alerts are the policy replayed on the saved scores. */
async function fromTrace(ctx: CliContext, o: EvaluateFlags, graceMs: number, grid: SweepGrid | undefined) {
  const saved = await loadRun(o.trace!);
  const policy = alertPolicyFromConfig('sensors-default', ctx.config().alerts);
  const base = { faults: saved.faults, from: saved.from, to: saved.to, assets: saved.assets, graceMs };
  const points = saved.trace.tally(saved.faults, graceMs, saved.from, saved.to);
  const withPolicy = (p: AlertPolicyConfig) => evaluate({ ...base, points, alerts: saved.trace.replayAlerts(p) });
  printResult(ctx, o, { report: withPolicy(policy), withPolicy }, policy, grid, `${saved.source} (saved scores)`);
}

function printResult(
  ctx: CliContext,
  o: EvaluateFlags,
  result: { report: EvaluationReport; withPolicy(p: AlertPolicyConfig): EvaluationReport },
  policy: AlertPolicyConfig,
  grid: SweepGrid | undefined,
  command: string,
): void {
  const title = `${command} (${describePolicy(policy)})`;
  if (grid === undefined) {
    ctx.out.write(o.json ? `${JSON.stringify(result.report, null, 2)}\n` : formatReport(result.report, title));
    check(o, result.report);
    return;
  }
  const kinds = Object.keys(RECALL_TARGETS);
  ctx.out.write(formatReport(result.report, title));
  ctx.out.write(
    `\nsweep (same scores, other alert settings):\n\n| policy | ${kinds.join(' | ')} | false alerts / asset / day | targets |\n|---|${kinds.map(() => '---|').join('')}---|---|\n`,
  );
  for (const candidate of policiesOf(policy, grid)) {
    const r = result.withPolicy(defineAlertPolicy(candidate));
    const recall = (kind: string) => r.kinds.find((k) => k.kind === kind)?.event.recall?.toFixed(3) ?? '–';
    ctx.out.write(
      `| ${describePolicy(candidate)} | ${kinds.map(recall).join(' | ')} | ${r.falseAlertsPerAssetPerDay?.toFixed(2) ?? '–'} | ${meetsTargets(r) ? 'met' : 'missed'} |\n`,
    );
  }
}

/** --check: a missed target fails the command (exit 1) after the report is printed. */
function check(o: EvaluateFlags, report: EvaluationReport): void {
  const missed = missedTargets(report);
  if (o.check && missed.length > 0)
    throw evaluationError('VIGIL_EVALUATION_TARGETS_MISSED', { missed: missed.join('; ') });
}

function* drain<E>(source: { next(): E | null }): Generator<E> {
  for (let e = source.next(); e !== null; e = source.next()) yield e;
}
