import type { Command } from 'commander';
import { configOptions } from '../../core/config/index.js';
import type { CliContext } from '../context.js';

/** `vigil config`: validates the environment and prints the effective configuration (secrets masked). */
export function registerConfig(program: Command, ctx: CliContext): void {
  program
    .command('config')
    .description('validate the configuration from the environment and print the effective values (secrets masked)')
    .action(() => {
      ctx.config();
      for (const opt of configOptions()) {
        const raw = ctx.env[opt.env] || opt.default;
        const shown = raw === undefined ? '(unset)' : opt.secret ? '********' : raw;
        ctx.out.write(`${opt.env}=${shown}\n`);
      }
    });
}
