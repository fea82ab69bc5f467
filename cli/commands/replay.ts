/**
 * `vigil replay`: re-scores history from the raw tables (or, with --source kafka, from the stream's topic while
 * it still holds the range) through the live stream's feature and scoring code, tagged with a run id
 * (replay/README.md). `vigil replay compare A B` compares two runs (or a run and `live`).
 */
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { openModelRegistry } from '../../registry/index.js';
import {
  compareRuns,
  formatComparison,
  formatProgress,
  type Progress,
  parseModelVersions,
  type ReplaySummary,
  replayRange,
  type StagingProgress,
} from '../../replay/index.js';
import { formatDuration } from '../../replay/progress.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { untilSignal } from '../signals.js';

interface ReplayOptions {
  stream: string;
  from: string;
  to: string;
  assets?: string;
  stores?: string;
  modelVersion?: string;
  runId?: string;
  source: string;
  workers?: string;
  fresh?: boolean;
  json?: boolean;
}

function parseTime(option: string, text: string): number {
  const ms = /^\d+$/.test(text) ? Number(text) : Date.parse(text);
  if (!Number.isSafeInteger(ms)) {
    throw cliError('VIGIL_CLI_USAGE', {
      detail: `${option} must be an ISO-8601 time (2026-03-02T06:00:00Z) or epoch milliseconds, got "${text}"`,
    });
  }
  return ms;
}

function list(text: string | undefined): string[] | undefined {
  if (text === undefined) return undefined;
  return text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
}

export function registerReplay(program: Command, ctx: CliContext): void {
  const replay = program
    .command('replay')
    .description(
      'rebuild features, inferences and alerts from history (backfill, candidate models), tagged with a run id',
    )
    .option('--stream <name>', 'sensors or orders')
    .option('--from <time>', 'start of the range to score (ISO-8601 or epoch ms, inclusive)')
    .option('--to <time>', 'end of the range (exclusive)')
    .option('--assets <ids>', 'sensors: only these asset ids (comma-separated)')
    .option('--stores <ids>', 'orders: only these store ids (comma-separated)')
    .option('--model-version <list>', 'score with these versions: <model>=<version>,... (default: production)')
    .option('--run-id <id>', 'run id (default: replay-<stream>-<from>-<to>-<hash>); the same id resumes or replaces')
    .option(
      '--source <source>',
      'clickhouse (the raw tables, the source of truth) or kafka (the topic, from the range start minus the warm-up, while it still holds it)',
      'clickhouse',
    )
    .option('--workers <n>', 'worker threads scoring chunks (default VIGIL_REPLAY_WORKERS; 0 = auto)')
    .option('--fresh', 'ignore the checkpoints of an unfinished run with this id and redo every chunk')
    .option('--json', 'print the summary as JSON')
    .action(async (o: ReplayOptions) => {
      const summary = await runFromCli(ctx, o);
      ctx.out.write(o.json ? `${JSON.stringify(summary)}\n` : formatSummary(summary));
    });

  replay
    .command('compare <a> <b>')
    .description('compare two replay runs, or a run and `live`: row counts, score differences, alerts only in one')
    .option('--json', 'print the comparison as JSON')
    .action(async (a: string, b: string, o: { json?: boolean }) => {
      const ch = await createClickHouse(ctx.config(), ctx.logger());
      try {
        const comparison = await compareRuns(ch, a, b);
        ctx.out.write(o.json ? `${JSON.stringify(comparison)}\n` : formatComparison(comparison));
      } finally {
        await ch.close();
      }
    });
}

async function runFromCli(ctx: CliContext, o: ReplayOptions): Promise<ReplaySummary> {
  if (o.stream !== 'sensors' && o.stream !== 'orders') {
    throw cliError('VIGIL_CLI_USAGE', { detail: `--stream must be sensors or orders, got "${o.stream ?? ''}"` });
  }
  if (o.from === undefined || o.to === undefined) {
    throw cliError('VIGIL_CLI_USAGE', { detail: '--from and --to are required (or use `vigil replay compare A B`)' });
  }
  if (o.source !== 'clickhouse' && o.source !== 'kafka') {
    throw cliError('VIGIL_CLI_USAGE', { detail: `--source must be clickhouse or kafka, got "${o.source}"` });
  }
  if ((o.stream === 'sensors' && o.stores) || (o.stream === 'orders' && o.assets)) {
    throw cliError('VIGIL_CLI_USAGE', { detail: '--assets goes with --stream sensors, --stores with --stream orders' });
  }
  const workers = o.workers === undefined ? undefined : Number(o.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 0)) {
    throw cliError('VIGIL_CLI_USAGE', { detail: `--workers must be a whole number >= 0, got "${o.workers}"` });
  }
  const config = ctx.config();
  const logger = ctx.logger();
  const keys = list(o.stream === 'sensors' ? o.assets : o.stores);
  const ch = await createClickHouse(config, logger);
  const stop = new AbortController();
  // Ctrl-C / SIGTERM: stop handing out chunks, let the ones in flight finish and checkpoint, then exit.
  void untilSignal(stop.signal).then(() => {
    if (!stop.signal.aborted) {
      ctx.err.write('\nstopping after the chunks in flight (run the same command again to resume)\n');
      stop.abort();
    }
  });
  let lastLine = 0;
  const onProgress = (p: Progress) => {
    if (ctx.interactive) {
      ctx.err.write(`\r${formatProgress(p)}   `);
    } else if (p.doneChunks === p.totalChunks || Date.now() - lastLine >= 10_000) {
      lastLine = Date.now();
      ctx.err.write(`${formatProgress(p)}\n`);
    }
  };
  let lastStagingLine = 0;
  const onStaging = (p: StagingProgress) => {
    const line = `staging from kafka: ${p.read}/${p.total} records (${p.total > 0 ? Math.floor((100 * p.read) / p.total) : 100}%) · ${p.staged} staged`;
    if (ctx.interactive) {
      // The finished staging line stays; the replay's progress line starts below it.
      ctx.err.write(`\r${line}   ${p.read === p.total ? '\n' : ''}`);
    } else if (p.read === p.total || Date.now() - lastStagingLine >= 10_000) {
      lastStagingLine = Date.now();
      ctx.err.write(`${line}\n`);
    }
  };
  try {
    const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'replay' });
    const schemaRegistry = createRegistryClient(config);
    const registry = openModelRegistry({ ch, kafka, schemaRegistry, config, logger });
    return await replayRange(
      {
        stream: o.stream,
        from: parseTime('--from', o.from),
        to: parseTime('--to', o.to),
        ...(keys ? { keys } : {}),
        modelVersions: parseModelVersions(o.modelVersion),
        ...(o.runId ? { runId: o.runId } : {}),
        ...(o.fresh ? { fresh: true } : {}),
        ...(workers !== undefined ? { workers } : {}),
        ...(o.source === 'kafka' ? { source: 'kafka' as const } : {}),
      },
      { ch, config, logger, registry, signal: stop.signal, onProgress, kafka, schemaRegistry, onStaging },
    );
  } finally {
    if (ctx.interactive) ctx.err.write('\n');
    if (!stop.signal.aborted) stop.abort();
    await ch.close();
  }
}

function formatSummary(s: ReplaySummary): string {
  const t = (ms: number) => new Date(ms).toISOString();
  return [
    `replay ${s.runId} completed: ${s.stream} ${t(s.from)} .. ${t(s.to)}`,
    `models       ${s.models.map((m) => `${m.name}=${m.version}`).join(', ')}`,
    `chunks       ${s.chunks} (${s.skippedChunks} already done by an earlier pass), ${s.retries} retries`,
    `keys         ${s.keys}; exact warm-up (bit-for-bit parity) for ${s.exactKeySlices}/${s.keySlices} key slices`,
    `rows         ${s.events} events -> ${s.features} features, ${s.inferences} inferences, ${s.alerts} alert rows`,
    ...(s.staging ? [stagingLine(s.staging)] : []),
    `time         ${formatDuration(s.elapsedMs)} (${s.eventsPerSecond} events/s)`,
    `compare      vigil replay compare ${s.runId} live`,
    '',
  ].join('\n');
}

function stagingLine(s: NonNullable<ReplaySummary['staging']>): string {
  const skipped = Object.entries(s.skipped).map(([reason, n]) => `${n} ${reason}`);
  return `kafka        ${s.read} records read from ${s.topic} in ${formatDuration(s.elapsedMs)}, ${s.staged} staged${skipped.length > 0 ? `, skipped as the stream dead-lettered them: ${skipped.join(', ')}` : ''}`;
}
