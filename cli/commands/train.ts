/**
 * `vigil train`: export a training snapshot computed by the stream's own feature code, train it in Python
 * (training/), optionally register the result. History comes from ClickHouse, or with `--simulate` from the
 * simulators in memory (no stack needed; this is how the committed default models in models/ are rebuilt:
 * `npm run models:rebuild` = `vigil train --simulate --defaults --out models`).
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import type { ModelCard } from '../../core/model/card.js';
import { assetTypes } from '../../core/plant/catalogue.js';
import { parseTime } from '../../producers/importer/values.js';
import { codeCommit } from '../../training/export/code-commit.js';
import { exportDataset } from '../../training/export/export-dataset.js';
import { REPO_ROOT, runTrainer } from '../../training/export/trainer.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { actorOf, openRegistryFromContext } from './models.js';
import { type History, type HistoryRequest, simulatedHistory, storedHistory } from './train-history.js';

/** The range the committed defaults are simulated over: fixed, so a rebuild reproduces them. */
export const DEFAULTS_FROM = Date.UTC(2026, 0, 5);
export const DEFAULTS_DAYS = 3;
export const DEFAULTS_UNITS = 6;

function usage(detail: string): never {
  throw cliError('VIGIL_CLI_USAGE', { detail });
}

function time(name: string) {
  return (raw: string): number => {
    const value = parseTime(raw);
    if (value === null) usage(`${name} must be a time such as 2026-01-05T00:00:00Z or epoch ms, got "${raw}"`);
    return value;
  };
}

function duration(raw: string): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(raw.trim());
  if (raw.trim() === '0') return 0;
  if (!match) usage(`--sample-every must look like 0, 10s, 1m, got "${raw}"`);
  return Math.round(Number(match[1]) * { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }[match[2] as 'ms']);
}

function rate(raw: string): number {
  const n = Number(raw);
  if (!(n > 0 && n < 1)) usage(`--false-alert-rate must be a share between 0 and 1 (exclusive), got "${raw}"`);
  return n;
}

function int(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 0) usage(`${name} must be a whole number >= 0, got "${raw}"`);
    return n;
  };
}

interface Job {
  readonly request: HistoryRequest;
  readonly modelName: string;
  readonly out: string | undefined;
}

interface TrainFlags {
  stream: string;
  assetType?: string;
  from?: number;
  to?: number;
  trainUntil?: number;
  falseAlertRate?: number;
  algorithm: string;
  seed: number;
  register?: boolean;
  simulate?: boolean;
  defaults?: boolean;
  assets?: number;
  sampleEvery?: number;
  out?: string;
  modelName?: string;
  tracking: boolean;
  actor?: string;
}

function jobsOf(o: TrainFlags): Job[] {
  if (o.defaults) {
    if (!o.simulate) usage('--defaults builds the committed default models from simulated history: add --simulate');
    const from = o.from ?? DEFAULTS_FROM;
    const to = o.to ?? from + DEFAULTS_DAYS * 86_400_000;
    const outDir = o.out ?? 'models';
    const base = { from, to, seed: o.seed, units: o.assets ?? DEFAULTS_UNITS };
    return [
      ...assetTypes().map((type) => ({
        request: { ...base, stream: 'sensors' as const, subject: type },
        modelName: `sensors-${type}`,
        out: join(outDir, `sensors-${type}`),
      })),
      {
        request: { ...base, stream: 'orders' as const, subject: 'store', units: o.assets === undefined ? 5 : o.assets },
        modelName: 'orders-store',
        out: join(outDir, 'orders-store'),
      },
    ];
  }
  if (o.stream !== 'sensors' && o.stream !== 'orders') usage(`--stream must be sensors or orders, got "${o.stream}"`);
  if (o.from === undefined || o.to === undefined) usage('--from and --to are required (the training range)');
  if (o.from >= o.to) usage('--from must be before --to');
  if (o.trainUntil !== undefined && (o.trainUntil <= o.from || o.trainUntil >= o.to)) {
    usage('--train-until must lie inside --from .. --to (rows from it on are held out for evaluation)');
  }
  const subject = o.stream === 'orders' ? 'store' : o.assetType;
  if (subject === undefined) usage('--asset-type is required for --stream sensors');
  return [
    {
      request: { stream: o.stream, subject, from: o.from, to: o.to, seed: o.seed, units: o.assets },
      modelName: o.modelName ?? `${o.stream}-${subject}`,
      out: o.out,
    },
  ];
}

export function registerTrain(program: Command, ctx: CliContext): void {
  program
    .command('train')
    .description('export a training snapshot with the stream feature code, train it to ONNX (Python), register it')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--asset-type <type>', 'asset type to train on (sensors)')
    .option('--from <time>', 'start of the training range (ISO 8601 or epoch ms)', time('--from'))
    .option('--to <time>', 'end of the training range, exclusive', time('--to'))
    .option(
      '--train-until <time>',
      'rows from this time on are held out for evaluation (default: 70% in)',
      time('--train-until'),
    )
    .option(
      '--false-alert-rate <r>',
      'share of normal training rows above the threshold (default: the trainer default)',
      rate,
    )
    .option('--algorithm <name>', 'auto (best held-out F1), iforest or pca', 'auto')
    .option('--seed <n>', 'training seed (and simulation seed with --simulate)', int('--seed'), 1)
    .option('--register', 'register the trained model in the registry (state registered)')
    .option(
      '--simulate',
      'generate the history with the plant/order simulators in memory instead of reading ClickHouse',
    )
    .option('--defaults', 'with --simulate: build every committed default model (sensors-<asset type>, orders-store)')
    .option('--assets <n>', 'with --simulate: simulated assets (or stores)', int('--assets'))
    .option(
      '--sample-every <d>',
      'keep at most one row per key per this much event time (default 30s sensors, 0 orders)',
      duration,
    )
    .option('--out <dir>', 'model directory (with --defaults: the parent, default models)')
    .option('--model-name <name>', 'model name (default <stream>-<asset type>)')
    .option('--no-tracking', 'do not log the run to MLflow')
    .option('--actor <name>', 'who registers (default: the OS user)')
    .action(async (o: TrainFlags) => {
      if (!['auto', 'iforest', 'pca'].includes(o.algorithm)) usage('--algorithm must be auto, iforest or pca');
      const jobs = jobsOf(o);
      const config = ctx.config();
      const log = ctx.logger().child({ component: 'train' });
      const datasets = resolve(config.general.dataDir, 'datasets');
      const commit = codeCommit(REPO_ROOT);
      const ch = o.simulate ? undefined : await createClickHouse(config, ctx.logger());
      const trained: string[] = [];
      try {
        for (const job of jobs) {
          const started = performance.now();
          const history: History<unknown> = (
            ch === undefined ? simulatedHistory(config, job.request) : await storedHistory(ch, config, job.request)
          ) as History<unknown>;
          const sampleEveryMs = o.sampleEvery ?? (job.request.stream === 'orders' ? 0 : 30_000);
          ctx.err.write(
            `${job.modelName}: computing features (${history.featureSet.featureNames.length}) from ${o.simulate ? 'simulated' : 'stored'} history ${new Date(job.request.from).toISOString()} .. ${new Date(job.request.to).toISOString()}\n`,
          );
          const { snapshot, stats } = await exportDataset({
            ...history,
            from: job.request.from,
            to: job.request.to,
            sampleEveryMs,
            outDir: datasets,
            baseName: job.modelName,
            codeCommit: commit,
            onProgress: (s) => ctx.err.write(`  ${s.events} events, ${s.rows} rows\n`),
            progressEvery: 500_000,
          });
          const exported = performance.now();
          ctx.err.write(
            `  snapshot ${snapshot.path}: ${snapshot.rows} rows (${snapshot.labelledRows} in faults; ${stats.excluded} in the aftermath of a fault left out) from ${stats.events} events of ${snapshot.assets.length} keys\n  training...\n`,
          );
          const out = resolve(
            job.out ??
              join(config.general.dataDir, 'trained', job.modelName, `${snapshot.sha256.slice(0, 16)}-seed${o.seed}`),
          );
          const summary = await runTrainer({
            dataset: snapshot.path,
            modelName: job.modelName,
            out,
            seed: o.seed,
            algorithm: o.algorithm as 'auto',
            trainUntil: o.trainUntil,
            falseAlertRate: o.falseAlertRate,
            assetType: history.subject,
            stream: job.request.stream,
            tracking: o.tracking,
            env: ctx.env,
          });
          const done = performance.now();
          const card = JSON.parse(readFileSync(join(out, 'card.json'), 'utf8')) as ModelCard;
          log.info({ model: job.modelName, version: summary.version, f1: summary.f1 }, 'model trained');
          ctx.out.write(
            `${job.modelName} ${summary.version}: ${card.algorithm}, held-out F1 ${card.metrics.overall.f1} (precision ${card.metrics.overall.precision}, recall ${card.metrics.overall.recall}, false-alert rate ${card.metrics.falseAlertRate}), ` +
              `onnx ${card.onnx.sizeBytes} bytes, export ${((exported - started) / 1000).toFixed(1)} s + training ${((done - exported) / 1000).toFixed(1)} s\n` +
              `  candidates: ${Object.entries(card.candidates ?? {})
                .map(([k, v]) => `${k} F1 ${v.f1}`)
                .join(', ')}\n  model -> ${out}\n  dataset ${snapshot.sha256}\n`,
          );
          trained.push(out);
        }
      } finally {
        await ch?.close();
      }
      if (o.register) {
        const opened = await openRegistryFromContext(ctx);
        try {
          for (const dir of trained) {
            const v = await opened.registry.register(dir, actorOf(o));
            ctx.out.write(`registered ${v.name} ${v.version} [${v.state}]\n`);
          }
        } finally {
          await opened.close();
        }
      }
    });
}
