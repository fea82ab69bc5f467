/**
 * `vigil maintenance add | list | end`: planned stops, maintenance and other non-production modes of an asset.
 * Alerts that open for the asset during a window are suppressed (scored and stored, marked suppressed, never
 * notified); running processors pick a new window up within VIGIL_ALERT_RULES_REFRESH.
 */
import type { Command } from 'commander';
import {
  AlertRulesStore,
  type MaintenanceWindow,
  OPERATING_MODES,
  type OperatingMode,
} from '../../alert-workflow/index.js';
import { durationMs } from '../../core/config/parsers.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { actorOf, parseWhen, withClickHouse } from './thresholds.js';

function durationOf(raw: string): number {
  const parsed = durationMs.safeParse(raw);
  if (!parsed.success || parsed.data <= 0) {
    throw cliError('VIGIL_CLI_USAGE', { detail: `--for must be a duration such as 30m, 4h or 2d, got "${raw}"` });
  }
  return parsed.data;
}

function line(w: MaintenanceWindow, now: number): string {
  const state = now < w.startsAt ? 'planned' : now < w.endsAt ? 'active' : 'ended';
  return `${w.windowId}  ${w.key.padEnd(16)} ${w.mode.padEnd(13)} ${state.padEnd(7)} ${new Date(w.startsAt).toISOString()} -> ${new Date(w.endsAt).toISOString()}  ${w.createdBy}: ${w.reason}${w.endedBy ? ` (ended by ${w.endedBy})` : ''}\n`;
}

export function registerMaintenance(program: Command, ctx: CliContext): Command {
  const cmd = program.command('maintenance').description('maintenance windows of assets: add, list, end');
  cmd
    .command('add <asset>')
    .description('declare a window during which alerts of the asset are suppressed')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--mode <mode>', OPERATING_MODES.join(' | '), 'maintenance')
    .option('--from <when>', '"now", an ISO time or epoch ms', 'now')
    .option('--until <when>', 'end: an ISO time or epoch ms')
    .option('--for <duration>', 'length instead of --until (30m, 4h, 2d)')
    .requiredOption('--reason <why>', 'what is done (shown next to suppressed alerts)')
    .option('--by <who>', 'who declares it (default cli:$USER)')
    .option('--json', 'print the window as JSON')
    .action(
      async (
        asset: string,
        o: {
          stream: string;
          mode: string;
          from: string;
          until?: string;
          for?: string;
          reason: string;
          by?: string;
          json?: boolean;
        },
      ) => {
        if (!(OPERATING_MODES as readonly string[]).includes(o.mode)) {
          throw cliError('VIGIL_CLI_USAGE', { detail: `--mode must be one of ${OPERATING_MODES.join(', ')}` });
        }
        if ((o.until === undefined) === (o.for === undefined)) {
          throw cliError('VIGIL_CLI_USAGE', { detail: 'give exactly one of --until <when> or --for <duration>' });
        }
        const now = Date.now();
        const startsAt = parseWhen(o.from, now, '--from');
        const endsAt = o.until !== undefined ? parseWhen(o.until, now, '--until') : startsAt + durationOf(o.for!);
        const w = await withClickHouse(ctx, (ch) =>
          new AlertRulesStore(ch).addWindow({
            stream: o.stream,
            key: asset,
            mode: o.mode as OperatingMode,
            startsAt,
            endsAt,
            reason: o.reason,
            createdBy: actorOf(ctx, o.by),
          }),
        );
        ctx.out.write(o.json ? `${JSON.stringify(w)}\n` : `added ${line(w, now)}`);
      },
    );
  cmd
    .command('list')
    .description('windows, newest first')
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--asset <asset>', 'one asset only')
    .option('--active', 'only windows in force now')
    .option('--json', 'one JSON object per line')
    .action(async (o: { stream: string; asset?: string; active?: boolean; json?: boolean }) => {
      const now = Date.now();
      const list = await withClickHouse(ctx, (ch) =>
        new AlertRulesStore(ch).listWindows(o.stream, {
          ...(o.asset ? { key: o.asset } : {}),
          ...(o.active ? { activeAt: now } : {}),
        }),
      );
      for (const w of list) ctx.out.write(o.json ? `${JSON.stringify(w)}\n` : line(w, now));
      if (!o.json && list.length === 0) ctx.out.write('no maintenance windows\n');
    });
  cmd
    .command('end <windowId>')
    .description('end a window now (alerts are no longer suppressed)')
    .option('--by <who>', 'who ends it (default cli:$USER)')
    .action(async (windowId: string, o: { by?: string }) => {
      const w = await withClickHouse(ctx, (ch) => new AlertRulesStore(ch).endWindow(windowId, actorOf(ctx, o.by)));
      ctx.out.write(`ended ${line(w, Date.now())}`);
    });
  return cmd;
}
