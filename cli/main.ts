/**
 * The `vigil` CLI: one subcommand per role (architecture.md). Exit codes: 0 success, 1 a failure while running,
 * 2 bad usage or bad configuration (the message names what to fix), 130 interrupted.
 */
import { Command, CommanderError } from 'commander';
import { describeError, isVigilError } from '../core/errors.js';
import { registerCommands } from './commands/index.js';
import { type CliContext, createCliContext, type Output } from './context.js';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

export function buildProgram(ctx: CliContext): Command {
  const program = new Command('vigil')
    .description('Vigil: streaming anomaly detection for industrial plants')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => ctx.out.write(s), writeErr: (s) => ctx.err.write(s) })
    .exitOverride();
  registerCommands(program, ctx);
  for (const command of program.commands) applyToTree(command, (c) => c.exitOverride().showHelpAfterError());
  return program;
}

function applyToTree(command: Command, fn: (c: Command) => void): void {
  fn(command);
  for (const child of command.commands) applyToTree(child, fn);
}

export interface MainIo {
  out?: Output;
  err?: Output;
  interactive?: boolean;
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, io: MainIo = {}): Promise<number> {
  const out = io.out ?? { write: (s: string) => void process.stdout.write(s) };
  const err = io.err ?? { write: (s: string) => void process.stderr.write(s) };
  const ctx = createCliContext(env, out, err, io.interactive ?? (process.stdout.isTTY === true && env.CI !== 'true'));
  const program = buildProgram(ctx);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT_OK;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version' || error.exitCode === 0) {
        return EXIT_OK;
      }
      return EXIT_USAGE;
    }
    if (isVigilError(error, 'VIGIL_CONFIG_INVALID') || isVigilError(error, 'VIGIL_CLI_USAGE')) {
      err.write(`${error.message}\n`);
      return EXIT_USAGE;
    }
    err.write(`error: ${describeError(error)}\n`);
    return EXIT_FAILURE;
  }
}
