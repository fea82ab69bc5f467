/**
 * Feature set declarations: pure data saying which channels are aggregated over which event-time windows, how
 * late an event may be, and when a key is warm. A declaration is validated once (zod, every problem listed),
 * normalised (windows sorted, aggregations in canonical order) and frozen; it yields the ordered feature names a
 * model is trained on and a definition hash the model declares (sha256 of the canonical JSON of the declaration).
 */
import { z } from 'zod';
import { sha256Hex } from '../sha256.js';
import { featuresError } from './errors.js';

/** Canonical order of the aggregations inside one (channel, window): the vector follows it. */
export const AGGREGATIONS = [
  'count',
  'sum',
  'mean',
  'std',
  'min',
  'max',
  'last',
  'delta',
  'slope',
  'ewma',
  'zscore',
  'missing_rate',
] as const;
export type Aggregation = (typeof AGGREGATIONS)[number];

/** What a sensor channel gets unless its declaration says otherwise (a sum of readings means little). */
export const SENSOR_AGGREGATIONS: readonly Aggregation[] = AGGREGATIONS.filter((a) => a !== 'sum');

export const DERIVED_OPS = ['ratio', 'difference', 'product'] as const;
export type DerivedOp = (typeof DERIVED_OPS)[number];

export const DEFAULT_WINDOWS_MS: readonly number[] = [60_000, 300_000, 900_000];

export interface ChannelSpec {
  readonly name: string;
  /** In canonical order, no duplicates. */
  readonly aggregations: readonly Aggregation[];
}

/** A cross-channel feature over the last values of two channels in the longest window (0 when either is missing). */
export interface DerivedFeature {
  readonly name: string;
  readonly op: DerivedOp;
  readonly left: string;
  readonly right: string;
  /** ratio only: |right| below this gives 0 instead of a division blow-up. */
  readonly epsilon: number;
}

export interface Warmup {
  /** Ready once the longest window spans at least this share of its length (0..1)... */
  readonly minSpanFraction: number;
  /** ...or holds at least this many events (0 disables this rule). */
  readonly minEvents: number;
}

export interface FeatureSetDefinition {
  readonly name: string;
  readonly version: string;
  /** 'sensors' or 'orders' (the Kafka stream the set is computed on). */
  readonly stream: string;
  /** Asset type for sensors, 'store' for orders. */
  readonly subject: string;
  readonly channels: readonly ChannelSpec[];
  /** Ascending, unique, milliseconds. */
  readonly windowsMs: readonly number[];
  readonly derived: readonly DerivedFeature[];
  readonly allowedLatenessMs: number;
  readonly warmup: Warmup;
  /** EWMA half-life as a share of its window (0.25: an event one window old weighs 1/16 of a new one). */
  readonly ewmaHalfLifeFraction: number;
}

export interface FeatureSet extends FeatureSetDefinition {
  /** The vector's feature names, in vector order. */
  readonly featureNames: readonly string[];
  /** sha256 (hex) of the canonical JSON of the definition: what a model declares. */
  readonly hash: string;
}

const identifier = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an identifier: letters, digits and _, not starting with a digit');

const channelDeclaration = z.union([
  identifier,
  z.strictObject({ name: identifier, aggregations: z.array(z.enum(AGGREGATIONS)).min(1).optional() }),
]);

const derivedDeclaration = z.strictObject({
  name: identifier,
  op: z.enum(DERIVED_OPS, { message: `must be one of ${DERIVED_OPS.join(', ')}` }),
  left: identifier,
  right: identifier,
  epsilon: z.number().min(0).default(1e-9),
});

const declaration = z
  .strictObject({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'must use only letters, digits, ".", "_" and "-"'),
    version: z.string().min(1, 'must not be empty'),
    stream: z.string().min(1, 'must not be empty'),
    subject: z.string().min(1, 'must not be empty'),
    channels: z.array(channelDeclaration).min(1, 'must list at least one channel'),
    windowsMs: z
      .array(z.number().int('must be whole milliseconds').positive('must be > 0'))
      .min(1, 'must list at least one window')
      .default([...DEFAULT_WINDOWS_MS]),
    aggregations: z
      .array(z.enum(AGGREGATIONS))
      .min(1)
      .default([...SENSOR_AGGREGATIONS]),
    derived: z.array(derivedDeclaration).default([]),
    allowedLatenessMs: z.number().int('must be whole milliseconds').min(0, 'must be >= 0'),
    warmup: z
      .strictObject({
        minSpanFraction: z.number().min(0, 'must be in 0..1').max(1, 'must be in 0..1'),
        minEvents: z.number().int().min(0, 'must be >= 0 (0 disables it)'),
      })
      .default({ minSpanFraction: 0.9, minEvents: 0 }),
    ewmaHalfLifeFraction: z.number().min(0.01, 'must be in 0.01..10').max(10, 'must be in 0.01..10').default(0.25),
  })
  .superRefine((d, ctx) => {
    const longest = Math.max(...d.windowsMs);
    if (d.allowedLatenessMs >= longest) {
      ctx.addIssue({
        code: 'custom',
        path: ['allowedLatenessMs'],
        message: `allowed lateness (${d.allowedLatenessMs} ms) must be shorter than the longest window (${longest} ms): lower the lateness or add a longer window`,
      });
    }
    if (new Set(d.windowsMs).size !== d.windowsMs.length) {
      ctx.addIssue({ code: 'custom', path: ['windowsMs'], message: 'must not repeat a window' });
    }
    const names = d.channels.map((c) => (typeof c === 'string' ? c : c.name));
    const seen = new Set<string>();
    for (const n of names) {
      if (seen.has(n))
        ctx.addIssue({ code: 'custom', path: ['channels'], message: `channel "${n}" is declared twice` });
      seen.add(n);
    }
    const derivedNames = new Set<string>();
    d.derived.forEach((f, i) => {
      for (const side of ['left', 'right'] as const) {
        if (!seen.has(f[side])) {
          ctx.addIssue({
            code: 'custom',
            path: ['derived', i, side],
            message: `channel "${f[side]}" is not declared in channels`,
          });
        }
      }
      if (derivedNames.has(f.name)) {
        ctx.addIssue({ code: 'custom', path: ['derived', i, 'name'], message: `"${f.name}" is declared twice` });
      }
      derivedNames.add(f.name);
    });
  });

export type FeatureSetDeclaration = z.input<typeof declaration>;

/** Validates and normalises a declaration; throws VIGIL_FEATURES_INVALID_SET listing every problem. */
export function defineFeatureSet(input: FeatureSetDeclaration | unknown): FeatureSet {
  const parsed = declaration.safeParse(input);
  if (!parsed.success) {
    const name =
      typeof input === 'object' && input !== null && 'name' in input ? String(input.name) : '(unnamed feature set)';
    const problems = parsed.error.issues
      .map((issue) => `  - ${issue.path.length > 0 ? issue.path.join('.') : '(root)'}: ${issue.message}`)
      .join('\n');
    throw featuresError('VIGIL_FEATURES_INVALID_SET', { name, problems });
  }
  const d = parsed.data;
  const canonicalAggs = (list: readonly Aggregation[]): Aggregation[] => AGGREGATIONS.filter((a) => list.includes(a));
  const definition: FeatureSetDefinition = {
    name: d.name,
    version: d.version,
    stream: d.stream,
    subject: d.subject,
    channels: d.channels.map((c) =>
      typeof c === 'string'
        ? { name: c, aggregations: canonicalAggs(d.aggregations) }
        : { name: c.name, aggregations: canonicalAggs(c.aggregations ?? d.aggregations) },
    ),
    windowsMs: [...d.windowsMs].sort((a, b) => a - b),
    derived: d.derived.map((f) => ({ name: f.name, op: f.op, left: f.left, right: f.right, epsilon: f.epsilon })),
    allowedLatenessMs: d.allowedLatenessMs,
    warmup: { minSpanFraction: d.warmup.minSpanFraction, minEvents: d.warmup.minEvents },
    ewmaHalfLifeFraction: d.ewmaHalfLifeFraction,
  };
  return deepFreeze({ ...definition, featureNames: featureNamesOf(definition), hash: definitionHash(definition) });
}

/** `1m`, `15m`, `1h`, `30s`, or `<n>ms` for windows that are not whole seconds. */
export function windowLabel(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1_000 === 0) return `${ms / 1_000}s`;
  return `${ms}ms`;
}

/** `<channel>.w<window>.<aggregation>` per channel, window, aggregation; then `derived.<name>`. */
export function featureNamesOf(definition: FeatureSetDefinition): string[] {
  const names: string[] = [];
  for (const channel of definition.channels) {
    for (const w of definition.windowsMs) {
      for (const agg of channel.aggregations) names.push(`${channel.name}.w${windowLabel(w)}.${agg}`);
    }
  }
  for (const f of definition.derived) names.push(`derived.${f.name}`);
  return names;
}

/** JSON with object keys sorted at every level, so equal definitions hash equally whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function definitionHash(definition: FeatureSetDefinition): string {
  const { name, version, stream, subject, channels, windowsMs, derived, allowedLatenessMs, warmup } = definition;
  const hashed = {
    name,
    version,
    stream,
    subject,
    channels,
    windowsMs,
    derived,
    allowedLatenessMs,
    warmup,
    ewmaHalfLifeFraction: definition.ewmaHalfLifeFraction,
  };
  return sha256Hex(canonicalJson(hashed));
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
