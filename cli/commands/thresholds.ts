/**
 * `vigil thresholds set | clear | list | history | suggest`: per asset type and per asset alert thresholds
 * (alert-workflow/). The fleet level is the production model card's threshold. Running processors pick a change
 * up within VIGIL_ALERT_RULES_REFRESH, without a restart; every change is audited (who, when, why, previous value).
 */
import type { Command } from 'commander';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { AlertRulesStore, THRESHOLD_LEVELS, type ThresholdLevel } from '../../alert-workflow/index.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

export async function withClickHouse<T>(ctx: CliContext, fn: (ch: ClickHouse) => Promise<T>): Promise<T> {
  const ch = await createClickHouse(ctx.config(), ctx.logger());
  try {
    return await fn(ch);
  } finally {
    await ch.close();
  }
}

export function actorOf(ctx: CliContext, by: string | undefined): string {
  return by ?? `cli:${ctx.env.USER ?? 'unknown'}`;
}

function levelOf(raw: string): ThresholdLevel {
  if (!(THRESHOLD_LEVELS as readonly string[]).includes(raw)) {
    throw cliError('VIGIL_CLI_USAGE', {
      detail: `--level must be one of ${THRESHOLD_LEVELS.join(', ')}, got "${raw}"`,
    });
  }
  return raw as ThresholdLevel;
}

function numberOf(raw: string, name: string): number {
  const n = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(n)) {
    throw cliError('VIGIL_CLI_USAGE', { detail: `${name} must be a number, got "${raw}"` });
  }
  return n;
}

interface TargetOptions {
  stream: string;
  level: string;
  by?: string;
  reason: string;
  json?: boolean;
}

export function registerThresholds(program: Command, ctx: CliContext): Command {
  const cmd = program
    .command('thresholds')
    .description('alert thresholds per asset type and asset: set, clear, list, history, suggest');
  cmd
    .command('set <target> <threshold>')
    .description('set the threshold of an asset (--level asset) or of every asset of a type (--level asset_type)')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--level <level>', THRESHOLD_LEVELS.join(' | '), 'asset')
    .requiredOption('--reason <why>', 'why (kept in the audit trail)')
    .option('--by <who>', 'who sets it (default cli:$USER)')
    .action(async (target: string, raw: string, o: TargetOptions) => {
      const threshold = numberOf(raw, 'threshold');
      const change = await withClickHouse(ctx, (ch) =>
        new AlertRulesStore(ch).setThreshold({
          stream: o.stream,
          level: levelOf(o.level),
          target,
          threshold,
          setBy: actorOf(ctx, o.by),
          reason: o.reason,
        }),
      );
      ctx.out.write(
        `${change.level} ${change.target}: threshold ${change.threshold} (was ${change.previous ?? 'not overridden'}); running processors apply it within ${ctx.config().alertWorkflow.rulesRefreshMs} ms\n`,
      );
    });
  cmd
    .command('clear <target>')
    .description('remove an override: the asset-type or fleet threshold applies again')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--level <level>', THRESHOLD_LEVELS.join(' | '), 'asset')
    .requiredOption('--reason <why>', 'why (kept in the audit trail)')
    .option('--by <who>', 'who clears it (default cli:$USER)')
    .action(async (target: string, o: TargetOptions) => {
      const change = await withClickHouse(ctx, (ch) =>
        new AlertRulesStore(ch).clearThreshold({
          stream: o.stream,
          level: levelOf(o.level),
          target,
          setBy: actorOf(ctx, o.by),
          reason: o.reason,
        }),
      );
      ctx.out.write(
        `${change.level} ${change.target}: override cleared (was ${change.previous ?? 'not overridden'})\n`,
      );
    });
  cmd
    .command('list')
    .description('overrides in force')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--json', 'one JSON object per line')
    .action(async (o: { stream: string; json?: boolean }) => {
      const list = await withClickHouse(ctx, (ch) => new AlertRulesStore(ch).thresholdOverrides(o.stream));
      for (const t of list) {
        ctx.out.write(
          o.json
            ? `${JSON.stringify(t)}\n`
            : `${t.level.padEnd(10)} ${t.target.padEnd(20)} ${String(t.threshold).padEnd(10)} ${new Date(t.setAt).toISOString()} ${t.setBy}: ${t.reason}\n`,
        );
      }
      if (!o.json && list.length === 0) ctx.out.write('no overrides: every asset uses its model card threshold\n');
    });
  cmd
    .command('history [target]')
    .description('audit trail of threshold changes, newest first')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--json', 'one JSON object per line')
    .action(async (target: string | undefined, o: { stream: string; json?: boolean }) => {
      const list = await withClickHouse(ctx, (ch) => new AlertRulesStore(ch).thresholdHistory(o.stream, target));
      for (const t of list) {
        const what = t.cleared ? 'cleared' : `${t.previous ?? '-'} -> ${t.threshold}`;
        ctx.out.write(
          o.json
            ? `${JSON.stringify(t)}\n`
            : `${new Date(t.setAt).toISOString()} ${t.level} ${t.target}: ${what} by ${t.setBy}: ${t.reason}\n`,
        );
      }
    });
  return cmd;
}
