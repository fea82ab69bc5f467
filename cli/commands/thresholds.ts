/**
 * `vigil thresholds set | clear | list | history | suggest`: per asset type and per asset alert thresholds
 * (alert-workflow/). The fleet level is the production model card's threshold. Running processors pick a change
 * up within VIGIL_ALERT_RULES_REFRESH, without a restart; every change is audited (who, when, why, previous value).
 */
import type { Command } from 'commander';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { AlertRulesStore, THRESHOLD_LEVELS, type ThresholdLevel } from '../../alert-workflow/index.js';
import { loadAssetHistories } from '../../alert-workflow/suggestion-history.js';
import { suggestThreshold, type ThresholdSuggestion } from '../../alert-workflow/threshold-suggestions.js';
import { alertPolicyFromConfig } from '../../core/alerts/index.js';
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

/** `now`, an ISO 8601 time, or epoch milliseconds. */
export function parseWhen(raw: string, now: number, name: string): number {
  if (raw === 'now') return now;
  const t = /^\d+$/.test(raw) ? Number(raw) : Date.parse(raw);
  if (!Number.isFinite(t)) {
    throw cliError('VIGIL_CLI_USAGE', { detail: `${name} must be "now", an ISO time or epoch ms, got "${raw}"` });
  }
  return t;
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
  cmd
    .command('suggest')
    .description(
      'per-asset thresholds from operator verdicts and ground truth, with the alert count and recall each would have given on a past period (stored scores re-run through the alert policy)',
    )
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .requiredOption('--from <when>', 'start of the past period: ISO time or epoch ms')
    .option('--to <when>', 'end of the period ("now", ISO time or epoch ms)', 'now')
    .option('--asset <asset>', 'one asset only')
    .option('--truth-run <runId>', 'ground truth of one simulator run only')
    .option('--changes-only', 'list only assets whose suggested threshold differs')
    .option('--json', 'one JSON object per asset')
    .action(
      async (o: {
        stream: string;
        from: string;
        to: string;
        asset?: string;
        truthRun?: string;
        changesOnly?: boolean;
        json?: boolean;
      }) => {
        const now = Date.now();
        const from = parseWhen(o.from, now, '--from');
        const to = parseWhen(o.to, now, '--to');
        if (to <= from) throw cliError('VIGIL_CLI_USAGE', { detail: '--to must be after --from' });
        const config = ctx.config();
        const policy = alertPolicyFromConfig(`${o.stream}-default`, config.alerts);
        const histories = await withClickHouse(ctx, (ch) =>
          loadAssetHistories(ch, {
            stream: o.stream,
            from,
            to,
            ...(o.asset ? { key: o.asset } : {}),
            ...(o.truthRun ? { groundTruthRunId: o.truthRun } : {}),
          }),
        );
        const suggestions = histories
          .map((h) => suggestThreshold(h, policy))
          .filter((s) => !o.changesOnly || s.suggestedThreshold !== s.currentThreshold);
        for (const s of suggestions) ctx.out.write(o.json ? `${JSON.stringify(s)}\n` : describeSuggestion(s));
        if (!o.json && histories.length === 0) ctx.out.write('no stored production scores in the period\n');
        if (!o.json && suggestions.some((s) => s.suggestedThreshold !== s.currentThreshold)) {
          ctx.out.write('apply one with: vigil thresholds set <asset> <threshold> --reason "..."\n');
        }
      },
    );
  return cmd;
}

function describeSuggestion(s: ThresholdSuggestion): string {
  const pct = (r: number | null) => (r === null ? 'n/a' : `${Math.round(r * 100)}%`);
  const sign = s.alertCountChange > 0 ? '+' : '';
  return `${s.key.padEnd(16)} ${String(s.currentThreshold).padStart(8)} -> ${String(s.suggestedThreshold).padEnd(8)} alerts ${s.current.alerts} -> ${s.suggested.alerts} (${sign}${s.alertCountChange}), false ${s.current.falseAlerts} -> ${s.suggested.falseAlerts}, recall ${pct(s.recallBefore)} -> ${pct(s.recallAfter)}: ${s.reason}\n`;
}
