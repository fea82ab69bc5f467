/**
 * The asset-type catalogue: which channels an asset type reports, in which unit and physical range, and which
 * are required. The stream processor validates readings against `channelSpecs`; the simulator generates from the
 * same description, so both always agree. Pure: the default plant is bundled JSON, no file system access.
 */

import type { ChannelSpec } from '../events/validate.js';
import defaultPlantJson from './default-plant.json' with { type: 'json' };
import { type Plant, parsePlant } from './schema.js';

/** A channel of an asset type: unit, physical range, required flag (declared with the contract checks). */
export type { ChannelSpec } from '../events/validate.js';

let defaultPlantCache: Plant | undefined;

/** The committed default plant (core/plant/default-plant.json), validated once. */
export function defaultPlant(): Plant {
  defaultPlantCache ??= parsePlant(defaultPlantJson, 'core/plant/default-plant.json');
  return defaultPlantCache;
}

const specCache = new WeakMap<Plant, Map<string, readonly ChannelSpec[]>>();

/**
 * The channels of an asset type in `plant` (the default plant unless given), or undefined for a type the
 * catalogue does not know (e.g. imported equipment): the caller decides whether that is an error.
 * Returns the same frozen array on every call, so it is cheap on a hot path.
 */
export function channelSpecs(assetType: string, plant: Plant = defaultPlant()): readonly ChannelSpec[] | undefined {
  let byType = specCache.get(plant);
  if (!byType) {
    byType = new Map();
    for (const [name, type] of Object.entries(plant.assetTypes)) {
      const specs = type.channels.map((c) =>
        Object.freeze({ name: c.name, unit: c.unit, min: c.min, max: c.max, required: c.required }),
      );
      byType.set(name, Object.freeze(specs));
    }
    specCache.set(plant, byType);
  }
  return byType.get(assetType);
}

/**
 * The channel that tells whether an asset of this type runs: its `speed` role channel, with its physical range
 * (the alert policy holds alerts back after a start, a stop or a speed change: core/scoring SpeedChannelOf).
 * Undefined for a type without one or unknown to the plant.
 */
export function speedChannel(assetType: string, plant: Plant = defaultPlant()): ChannelSpec | undefined {
  const type = plant.assetTypes[assetType];
  const speed = type?.channels.find((c) => c.role === 'speed');
  return speed && channelSpecs(assetType, plant)?.find((c) => c.name === speed.name);
}

/** Every asset type the plant knows. */
export function assetTypes(plant: Plant = defaultPlant()): string[] {
  return Object.keys(plant.assetTypes);
}
