/**
 * The one typed configuration of Vigil. Only the CLI entry point reads `process.env` and hands it here;
 * everything else receives the frozen `Config`. All problems are reported at once, each naming the variable
 * and what a valid value looks like.
 */
import { errorCatalogue } from '../errors.js';
import type { Option, OptionsShape, Section, ValuesOf } from './option.js';
import { alertWorkflow } from './sections/alert-workflow.js';
import { alerts } from './sections/alerts.js';
import { api } from './sections/api.js';
import { clickhouse } from './sections/clickhouse.js';
import { events } from './sections/events.js';
import { features } from './sections/features.js';
import { general } from './sections/general.js';
import { kafka } from './sections/kafka.js';
import { monitoring } from './sections/monitoring.js';
import { processor } from './sections/processor.js';
import { producers } from './sections/producers.js';
import { registry } from './sections/registry.js';
import { replay } from './sections/replay.js';
import { serving } from './sections/serving.js';
import { stack } from './sections/stack.js';

const sections = {
  general,
  kafka,
  registry,
  clickhouse,
  api,
  stack,
  events,
  producers,
  processor,
  features,
  alerts,
  alertWorkflow,
  serving,
  monitoring,
  replay,
} as const;

type Sections = typeof sections;
export type Config = {
  readonly [K in keyof Sections]: Sections[K] extends Section<infer S> ? ValuesOf<S> : never;
};

export const configError = errorCatalogue({
  VIGIL_CONFIG_INVALID: {
    message: 'Invalid configuration:\n{problems}',
    status: 500,
    retriable: false,
  },
});

export type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env): Config {
  const problems: string[] = [];
  const config: Record<string, unknown> = {};
  for (const [name, sec] of Object.entries(sections) as unknown as [string, Section<OptionsShape>][]) {
    const values: Record<string, unknown> = {};
    let sectionValid = true;
    for (const [key, opt] of Object.entries(sec.options)) {
      const raw = env[opt.env] === '' ? undefined : (env[opt.env] ?? opt.default);
      const parsed = opt.schema.safeParse(raw);
      if (parsed.success) {
        values[key] = parsed.data;
      } else {
        sectionValid = false;
        const reason = parsed.error.issues[0]?.message ?? 'is invalid';
        const shown = opt.secret || raw === undefined ? '' : ` (got "${raw}")`;
        problems.push(`${opt.env} ${reason}${shown}`);
      }
    }
    if (sectionValid) problems.push(...sec.check(values as ValuesOf<OptionsShape>));
    config[name] = Object.freeze(values);
  }
  if (problems.length > 0) {
    throw configError('VIGIL_CONFIG_INVALID', { problems: problems.map((p) => `  - ${p}`).join('\n') });
  }
  return Object.freeze(config) as Config;
}

export interface OptionDoc {
  readonly section: string;
  readonly env: string;
  readonly default: string | undefined;
  readonly doc: string;
  readonly secret: boolean;
}

/** Every option with its documentation, in declaration order (README table, compose checks, `vigil config`). */
export function configOptions(): OptionDoc[] {
  return Object.entries(sections).flatMap(([name, sec]) =>
    Object.values(sec.options as OptionsShape).map((opt: Option<unknown>) => ({
      section: name,
      env: opt.env,
      default: opt.default,
      doc: opt.doc,
      secret: opt.secret,
    })),
  );
}

/** Builds a config from defaults plus overrides: for tests and for roles composed in one process. */
export function configWith(overrides: Env = {}): Config {
  return loadConfig(overrides);
}
