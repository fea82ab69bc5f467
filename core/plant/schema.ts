/**
 * The plant description: sites, lines, asset types with their channels, assets, and the rates of faults and
 * data problems the simulator injects. One JSON file (core/plant/default-plant.json is the committed default),
 * validated here with zod; every problem is reported at once with the path of the bad field
 * (e.g. `assetTypes.pump.channels[2].max`), so a user editing the file knows exactly what to fix.
 */
import { z } from 'zod';
import { plantError } from './errors.js';

/** What a channel measures; the fault injector uses it to pick channels that a fault kind makes sense on. */
export const CHANNEL_ROLES = [
  'vibration',
  'temperature',
  'current',
  'flow',
  'pressure',
  'speed',
  'load',
  'other',
] as const;
export type ChannelRole = (typeof CHANNEL_ROLES)[number];

export const FAULT_KINDS = [
  'spike',
  'level_shift',
  'drift',
  'stuck',
  'noise_burst',
  'overheating',
  'correlation_break',
  'dead_channel',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

const finite = z.number().finite();
const rate = z.number().min(0, 'must be a rate >= 0').max(1, 'must be a rate <= 1');

/**
 * How a channel's noiseless value follows the asset's hidden operating state: load L (0..~1.1) and speed S
 * (0 stopped .. 1 rated). target = base + load*L + speed*S + loadSpeed*L*S; the value then follows the target
 * through a first-order lag of `lagSeconds` (0 = instantaneous) and gets Gaussian noise of standard deviation `noise`.
 */
const channelModel = z.strictObject({
  base: finite,
  load: finite.default(0),
  speed: finite.default(0),
  loadSpeed: finite.default(0),
  lagSeconds: z.number().min(0).default(0),
  noise: z.number().min(0).default(0),
});

const channel = z
  .strictObject({
    name: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be snake_case: a-z, 0-9 and _'),
    unit: z.string().min(1),
    min: finite,
    max: finite,
    required: z.boolean().default(true),
    role: z.enum(CHANNEL_ROLES).default('other'),
    model: channelModel,
  })
  .refine((c) => c.min < c.max, { message: 'min must be below max', path: ['max'] });

const assetType = z.strictObject({
  description: z.string().default(''),
  sampleIntervalMs: z.number().int().min(10, 'must be at least 10 ms'),
  startupSeconds: z.number().min(0).default(30),
  /** Load levels the asset moves between while running (fractions of rated load). */
  loadLevels: z.array(z.number().min(0).max(1.2)).min(1).default([0.6, 0.75, 0.9]),
  channels: z.array(channel).min(1, 'an asset type needs at least one channel'),
});

const shifts = z.strictObject({
  /** ISO weekdays the line works (1 = Monday .. 7 = Sunday). */
  workDays: z.array(z.number().int().min(1).max(7)).min(1),
  startHour: z.number().min(0).max(24),
  endHour: z.number().min(0).max(24),
});

const line = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must use letters, digits, ".", "_" or "-"'),
  /** null: runs around the clock (process industry); otherwise the shift pattern (UTC hours). */
  shifts: shifts.nullable().default(null),
});

const site = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must use letters, digits, ".", "_" or "-"'),
  lines: z.array(line).min(1),
});

const asset = z.strictObject({
  id: z.string().regex(/^[A-Za-z0-9._-]+$/, 'must use letters, digits, ".", "_" or "-"'),
  type: z.string(),
  site: z.string(),
  line: z.string(),
});

const faults = z.strictObject({
  /** Mean number of equipment faults per asset per simulated day. */
  perAssetPerDay: z.number().min(0).default(1),
  /** Relative weights of fault kinds; a kind with weight 0 never happens. */
  mix: z.partialRecord(z.enum(FAULT_KINDS), z.number().min(0)).default({}),
});

const dataProblems = z.strictObject({
  /** Fraction of readings never sent. */
  missingRate: rate.default(0.002),
  /** Fraction of readings re-sent with the same eventId. */
  duplicateRate: rate.default(0.001),
  /** Fraction of readings overtaken by a few later ones (delayed by 1-10 sample intervals). */
  outOfOrderRate: rate.default(0.002),
  /** Fraction of readings arriving late, delayed by lateDelayMs[0]..lateDelayMs[1]. */
  lateRate: rate.default(0.001),
  lateDelayMs: z.tuple([z.number().int().min(0), z.number().int().min(0)]).default([30_000, 600_000]),
  /** Fraction of readings with one channel reported as NaN. */
  nanRate: rate.default(0.0005),
});

export const plantSchema = z
  .strictObject({
    name: z.string().default('plant'),
    sites: z.array(site).min(1),
    assetTypes: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'asset type names must be snake_case'), assetType),
    assets: z.array(asset).min(1),
    faults: faults.default({ perAssetPerDay: 1, mix: {} }),
    dataProblems: dataProblems.default({
      missingRate: 0.002,
      duplicateRate: 0.001,
      outOfOrderRate: 0.002,
      lateRate: 0.001,
      lateDelayMs: [30_000, 600_000],
      nanRate: 0.0005,
    }),
  })
  .superRefine((plant, ctx) => {
    for (const [typeName, type] of Object.entries(plant.assetTypes)) {
      const seen = new Set<string>();
      type.channels.forEach((c, i) => {
        if (seen.has(c.name)) {
          ctx.addIssue({
            code: 'custom',
            message: `duplicate channel "${c.name}"`,
            path: ['assetTypes', typeName, 'channels', i, 'name'],
          });
        }
        seen.add(c.name);
      });
    }
    const lines = new Map(plant.sites.map((s) => [s.id, new Set(s.lines.map((l) => l.id))]));
    const ids = new Set<string>();
    plant.assets.forEach((a, i) => {
      if (ids.has(a.id))
        ctx.addIssue({ code: 'custom', message: `duplicate asset id "${a.id}"`, path: ['assets', i, 'id'] });
      ids.add(a.id);
      if (!(a.type in plant.assetTypes)) {
        const known = Object.keys(plant.assetTypes).join(', ');
        ctx.addIssue({
          code: 'custom',
          message: `unknown asset type "${a.type}" (known: ${known})`,
          path: ['assets', i, 'type'],
        });
      }
      const siteLines = lines.get(a.site);
      if (!siteLines)
        ctx.addIssue({ code: 'custom', message: `unknown site "${a.site}"`, path: ['assets', i, 'site'] });
      else if (!siteLines.has(a.line)) {
        ctx.addIssue({
          code: 'custom',
          message: `site "${a.site}" has no line "${a.line}"`,
          path: ['assets', i, 'line'],
        });
      }
    });
    const [lateMin, lateMax] = plant.dataProblems.lateDelayMs;
    if (lateMin > lateMax) {
      ctx.addIssue({
        code: 'custom',
        message: 'the first delay must not exceed the second',
        path: ['dataProblems', 'lateDelayMs'],
      });
    }
  });

export type Plant = z.output<typeof plantSchema>;
export type PlantInput = z.input<typeof plantSchema>;
export type AssetTypeSpec = Plant['assetTypes'][string];
export type ChannelDefinition = AssetTypeSpec['channels'][number];
export type AssetSpec = Plant['assets'][number];
export type LineSpec = Plant['sites'][number]['lines'][number];
export type DataProblemRates = Plant['dataProblems'];
export type FaultSettings = Plant['faults'];

/** `assetTypes.pump.channels[2].max` from zod's path array. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** Validates a parsed JSON value as a plant; throws VIGIL_PLANT_INVALID listing every problem with its path. */
export function parsePlant(value: unknown, source: string): Plant {
  const result = plantSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`);
  throw plantError('VIGIL_PLANT_INVALID', { source, problems: problems.join('\n') });
}
