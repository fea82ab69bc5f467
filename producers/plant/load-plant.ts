/** Reads a plant description file (the I/O half; validation is core/plant/schema.ts). */
import { readFile } from 'node:fs/promises';
import { defaultPlant } from '../../core/plant/catalogue.js';
import { type Plant, parsePlant } from '../../core/plant/schema.js';
import { producerError } from '../errors.js';

/** The plant in `path`, or the committed default plant when no path is given. */
export async function loadPlant(path: string | undefined): Promise<Plant> {
  if (path === undefined) return defaultPlant();
  let value: unknown;
  try {
    value = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw producerError('VIGIL_PRODUCERS_PLANT_FILE', { path, reason: (error as Error).message }, error);
  }
  return parsePlant(value, path);
}

export interface PlantOverrides {
  readonly faultsPerAssetPerDay?: number;
  readonly missingRate?: number;
  readonly duplicateRate?: number;
  readonly outOfOrderRate?: number;
  readonly lateRate?: number;
  readonly nanRate?: number;
  /** Turns every data problem off (clean data for training). */
  readonly noDataProblems?: boolean;
}

/** A copy of `plant` with command-line overrides of its fault and data-problem rates. */
export function withOverrides(plant: Plant, o: PlantOverrides): Plant {
  const base = o.noDataProblems
    ? { ...plant.dataProblems, missingRate: 0, duplicateRate: 0, outOfOrderRate: 0, lateRate: 0, nanRate: 0 }
    : plant.dataProblems;
  return {
    ...plant,
    faults: { ...plant.faults, perAssetPerDay: o.faultsPerAssetPerDay ?? plant.faults.perAssetPerDay },
    dataProblems: {
      ...base,
      missingRate: o.missingRate ?? base.missingRate,
      duplicateRate: o.duplicateRate ?? base.duplicateRate,
      outOfOrderRate: o.outOfOrderRate ?? base.outOfOrderRate,
      lateRate: o.lateRate ?? base.lateRate,
      nanRate: o.nanRate ?? base.nanRate,
    },
  };
}
