import { readFileSync, writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { configOptions } from '../../core/config/index.js';
import { configMarkdownTable, withConfigTable } from '../../core/config/markdown.js';
import type { CliContext } from '../context.js';

/** `vigil config`: validates the environment and prints the effective configuration (secrets masked). */
export function registerConfig(program: Command, ctx: CliContext): void {
  program
    .command('config')
    .description('validate the configuration from the environment and print the effective values (secrets masked)')
    .option('--markdown', 'print the documentation table of every option instead')
    .option('--update-readme <file>', 'rewrite the generated configuration table in this README')
    .action((opts: { markdown?: boolean; updateReadme?: string }) => {
      if (opts.updateReadme) {
        writeFileSync(opts.updateReadme, withConfigTable(readFileSync(opts.updateReadme, 'utf8')));
        return;
      }
      if (opts.markdown) {
        ctx.out.write(`${configMarkdownTable()}\n`);
        return;
      }
      ctx.config();
      for (const opt of configOptions()) {
        const raw = ctx.env[opt.env] || opt.default;
        const shown = raw === undefined ? '(unset)' : opt.secret ? '********' : raw;
        ctx.out.write(`${opt.env}=${shown}\n`);
      }
    });
}
