import type { Command } from 'commander';
import {
  COMPONENTS,
  type ComponentName,
  followFile,
  formatStatusTable,
  planStack,
  stackDown,
  stackError,
  stackStatus,
  stackUp,
  tailLines,
} from '../../stack/index.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

/** `vigil stack up | down | status | logs`: the local Kafka + schema registry (stack/README.md). */
export function registerStack(program: Command, ctx: CliContext): void {
  const stack = program
    .command('stack')
    .description('start, stop and inspect the local Kafka + schema registry (on 127.0.0.1, data under VIGIL_DATA_DIR)');

  const io = () => ({ env: ctx.env, report: (line: string) => ctx.out.write(`${line}\n`) });

  stack
    .command('up')
    .description('fetch once, start and wait until healthy: Kafka (KRaft) then Apicurio Registry; a no-op when running')
    .action(async () => {
      const plan = planStack(ctx.config());
      const began = Date.now();
      const result = await stackUp(plan, io());
      const local = result.components.filter((c) => c.action !== 'remote');
      if (local.length > 0 && local.every((c) => c.action === 'already-running')) {
        ctx.out.write('stack: already up; nothing to do\n');
      } else if (local.length > 0) {
        ctx.out.write(`stack: up in ${((Date.now() - began) / 1000).toFixed(1)} s\n`);
      }
    });

  stack
    .command('down')
    .description('stop the registry, then Kafka (SIGTERM, then SIGKILL after VIGIL_STACK_STOP_TIMEOUT); data is kept')
    .action(async () => {
      await stackDown(planStack(ctx.config()), io());
    });

  stack
    .command('status')
    .description('show each component: state, pid, ports, health, memory; exits 1 when something is unhealthy')
    .option('--json', 'print JSON instead of a table')
    .action(async (options: { json?: boolean }) => {
      const statuses = await stackStatus(planStack(ctx.config()));
      ctx.out.write(options.json ? `${JSON.stringify(statuses, null, 2)}\n` : formatStatusTable(statuses));
      const unhealthy = statuses.filter((s) => !s.healthy).map((s) => s.component);
      if (unhealthy.length > 0) throw stackError('VIGIL_STACK_UNHEALTHY', { components: unhealthy.join(', ') });
    });

  stack
    .command('logs')
    .description('show the last lines of a component log (kafka, registry; default both), optionally following it')
    .argument('[component]', `one of ${COMPONENTS.join(', ')}`)
    .option('-n, --lines <count>', 'number of lines to show', '50')
    .option('-f, --follow', 'keep printing new lines until interrupted')
    .action(async (component: string | undefined, options: { lines: string; follow?: boolean }) => {
      if (component !== undefined && !COMPONENTS.includes(component as ComponentName)) {
        throw cliError('VIGIL_CLI_USAGE', {
          detail: `unknown component "${component}": use one of ${COMPONENTS.join(', ')}`,
        });
      }
      const lines = Number(options.lines);
      if (!Number.isInteger(lines) || lines < 0) {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--lines must be a whole number >= 0 (got "${options.lines}")` });
      }
      const plan = planStack(ctx.config());
      const files: { name: ComponentName; file: string }[] = [];
      for (const name of component ? [component as ComponentName] : COMPONENTS) {
        const target = plan[name];
        if (target.kind === 'remote') ctx.out.write(`${name}: remote; no local log\n`);
        else files.push({ name, file: target.files.logFile });
      }
      const prefix = files.length > 1;
      const write = (name: string, text: string) =>
        ctx.out.write(
          prefix
            ? `${text
                .replace(/\n$/, '')
                .split('\n')
                .map((l) => `${name} | ${l}`)
                .join('\n')}\n`
            : text,
        );
      for (const { name, file } of files) {
        const text = await tailLines(file, lines);
        if (text) write(name, text);
        else if (!options.follow) ctx.out.write(`${name}: no log yet (${file})\n`);
      }
      if (!options.follow || files.length === 0) return;
      const controller = new AbortController();
      const stop = () => controller.abort();
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
      try {
        await Promise.all(files.map(({ name, file }) => followFile(file, (t) => write(name, t), controller.signal)));
      } finally {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
      }
    });
}
