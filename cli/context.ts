/**
 * What every command receives: the environment (read only here, at the entry point), a lazily validated config,
 * output streams and a logger. Commands never touch `process.env` themselves.
 */
import { readFileSync } from 'node:fs';
import { createLogger, type Logger } from '../adapters/logger.js';
import { type Config, configOptions, type Env, loadConfig } from '../core/config/index.js';
import { cliError } from './errors.js';

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
      config ??= loadConfig(withSecretFiles(env));
      return config;
    },
    logger() {
      logger ??= createLogger(this.config().general.logLevel);
      return logger;
    },
  };
}

/**
 * Secrets may come from mounted files (Docker/Kubernetes secrets): `X_FILE=/run/secrets/x` sets `X` to the file's
 * content, trailing newline removed. A variable set directly wins over its file.
 */
export function withSecretFiles(env: Env): Env {
  const resolved: Record<string, string | undefined> = { ...env };
  for (const opt of configOptions()) {
    const file = env[`${opt.env}_FILE`];
    if (!opt.secret || !file || env[opt.env]) continue;
    try {
      resolved[opt.env] = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
    } catch (error) {
      throw cliError('VIGIL_CLI_USAGE', {
        detail: `${opt.env}_FILE=${file} cannot be read: ${(error as Error).message}`,
      });
    }
  }
  return resolved;
}
