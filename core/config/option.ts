/**
 * Declarative configuration options. Each option names its env var, documents itself and its default, and
 * parses the raw string with a zod schema. The README's configuration table and the docker-compose consistency
 * test are both derived from these declarations, so an option cannot exist undocumented.
 */
import type { z } from 'zod';

export interface Option<T> {
  readonly env: string;
  readonly doc: string;
  /** Raw default, as it would be written in the environment; undefined means the option is unset by default. */
  readonly default: string | undefined;
  /** True for credentials: never logged, never printed by `vigil config`. */
  readonly secret: boolean;
  readonly schema: z.ZodType<T>;
}

export function option<T>(spec: {
  env: string;
  doc: string;
  default?: string;
  secret?: boolean;
  schema: z.ZodType<T>;
}): Option<T> {
  return { env: spec.env, doc: spec.doc, default: spec.default, secret: spec.secret ?? false, schema: spec.schema };
}

export type OptionsShape = Record<string, Option<unknown>>;
export type ValuesOf<S extends OptionsShape> = { readonly [K in keyof S]: S[K] extends Option<infer T> ? T : never };

export interface Section<S extends OptionsShape> {
  readonly name: string;
  readonly options: S;
  /** Cross-field rules: returns problems (each naming the variables and the fix), empty when valid. */
  readonly check: (values: ValuesOf<S>) => string[];
}

export function section<S extends OptionsShape>(
  name: string,
  options: S,
  check: (values: ValuesOf<S>) => string[] = () => [],
): Section<S> {
  return { name, options, check };
}
