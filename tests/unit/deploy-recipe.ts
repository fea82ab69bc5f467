/**
 * Shared reading of the deployment recipes for the deploy-* tests: the compose file (YAML merge keys resolved),
 * its env files, and what Vigil's config declares. No Docker engine is needed for any of it.
 */
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configOptions } from '../../core/config/index.js';

export const ROOT = new URL('../../', import.meta.url);
export const readRepoFile = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

export interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  command?: string[];
  environment?: Record<string, string>;
  env_file?: string[];
  ports?: string[];
  volumes?: string[];
  secrets?: string[];
  profiles?: string[];
  container_name?: string;
  restart?: string;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  networks?: Record<string, { aliases?: string[] } | null>;
  entrypoint?: string[];
  deploy?: { replicas?: number };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
  secrets: Record<string, { file: string }>;
}

export function loadCompose(): ComposeFile {
  return parse(readRepoFile('docker-compose.yml'), { merge: true }) as ComposeFile;
}

/** KEY=value lines of an env file (comments and blanks skipped). */
export function parseEnvFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) continue;
    const at = trimmed.indexOf('=');
    if (at > 0) out[trimmed.slice(0, at)] = trimmed.slice(at + 1);
  }
  return out;
}

export const OPTIONS = configOptions();
export const OPTION_BY_ENV = new Map(OPTIONS.map((o) => [o.env, o]));
export const defaultOf = (env: string): string | undefined => OPTION_BY_ENV.get(env)?.default;

/**
 * Variables a Vigil container may carry that are not Vigil options, each with the reason. Anything else in a
 * Vigil service's environment must be a declared option (or `<secret option>_FILE`).
 */
export const NON_VIGIL_ENV: Readonly<Record<string, string>> = {
  NODE_ENV: 'set by the image; Node libraries read it',
  NODE_OPTIONS: 'heap size of the Node runtime (--max-old-space-size)',
  MLFLOW_TRACKING_URI: 'read by the Python trainer (training/README.md), not by Vigil',
  NODE_EXTRA_CA_CERTS:
    'a private CA for TLS to Kafka, the registry or ClickHouse (Node reads it at start; tested in deploy-kafka-sasl)',
};

/** Problems with one variable name of a Vigil container (empty when it is known). */
export function unknownEnvProblem(name: string): string | undefined {
  if (OPTION_BY_ENV.has(name) || name in NON_VIGIL_ENV) return undefined;
  if (name.endsWith('_FILE')) {
    const base = OPTION_BY_ENV.get(name.slice(0, -'_FILE'.length));
    if (base?.secret) return undefined;
    if (base) return `${name}: ${base.env} is not a secret option, so cli/context.ts does not read a _FILE for it`;
  }
  return `${name} is not declared in core/config/sections (typo, or an option that no longer exists)`;
}

/** host and port of a URL or host:port. */
export function hostPort(raw: string): { host: string; port: number } {
  const url = new URL(raw.includes('://') ? raw : `tcp://${raw}`);
  const fallback = url.protocol === 'https:' ? 443 : 80;
  return { host: url.hostname, port: url.port === '' ? fallback : Number(url.port) };
}

/** The Vigil subcommand a container runs (`serve`, `process`, ...). */
export const roleOf = (command: readonly string[] | undefined): string => command?.[0] ?? '';

/** Which variable sets the /metrics port of a role, as the code reads it (docs/metrics.md). */
export const METRICS_PORT_ENV: Readonly<Record<string, string>> = {
  serve: 'VIGIL_API_PORT',
  demo: 'VIGIL_API_PORT',
  process: 'VIGIL_METRICS_PORT',
  monitor: 'VIGIL_MONITOR_METRICS_PORT',
};
