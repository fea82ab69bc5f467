/**
 * What every command receives: the environment (read only here, at the entry point), a lazily validated config,
 * output streams and a logger. Commands never touch `process.env` themselves.
 */
import { createLogger, type Logger } from '../adapters/logger.js';
import { type Config, type Env, loadConfig } from '../core/config/index.js';

export interface Output {
  write(text: string): void;
}

export interface CliContext {
  readonly env: Env;
  readonly out: Output;
  readonly err: Output;
  /** True when stdout is an interactive terminal (progress bars, colours). */
  readonly interactive: boolean;
  config(): Config;
  logger(): Logger;
}

export function createCliContext(env: Env, out: Output, err: Output, interactive: boolean): CliContext {
  let config: Config | undefined;
  let logger: Logger | undefined;
  return {
    env,
    out,
    err,
    interactive,
    config() {
      config ??= loadConfig(env);
      return config;
    },
    logger() {
      logger ??= createLogger(this.config().general.logLevel);
      return logger;
    },
  };
}
