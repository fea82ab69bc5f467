import type { Command } from 'commander';
import { cliError } from '../errors.js';

/**
 * Subcommands whose capability has not landed yet. They exist so that `vigil --help` shows the whole map and a
 * user gets a clear answer instead of "unknown command". Each is replaced by its real module when it lands.
 */
const PENDING: Record<string, { description: string; detail: string }> = {};

export function registerPending(program: Command): void {
  for (const [name, { description, detail }] of Object.entries(PENDING)) {
    program
      .command(name)
      .description(`${description} (not available yet)`)
      .allowUnknownOption()
      .allowExcessArguments()
      .action(() => {
        throw cliError('VIGIL_CLI_NOT_AVAILABLE', { command: name, detail });
      });
  }
}

export function definePending(name: string, description: string, detail: string): void {
  PENDING[name] = { description, detail };
}
