/**
 * Every asset type a deployment knows: the committed plant description's types (channels with units, physical
 * ranges, required flags), plus types registered at run time by importing data from equipment Vigil has never
 * seen. A registered type knows only its channel names: no unit, no physical range, nothing required, so its
 * readings are judged by their own history (the feature windows), not by limits nobody has declared.
 */
import type { ChannelSpec } from '../events/validate.js';
import { channelSpecs, speedChannel } from './catalogue.js';
import type { Plant } from './schema.js';

export class AssetTypeCatalogue {
  readonly #plant: Plant | undefined;
  readonly #registered = new Map<string, readonly ChannelSpec[]>();

  constructor(plant?: Plant) {
    this.#plant = plant;
  }

  specs(assetType: string): readonly ChannelSpec[] | undefined {
    return channelSpecs(assetType, this.#plant) ?? this.#registered.get(assetType);
  }

  channelNames(assetType: string): string[] | undefined {
    return this.specs(assetType)?.map((c) => c.name);
  }

  /** The plant type's speed channel (registered types declare no roles: none). */
  speedChannel(assetType: string): ChannelSpec | undefined {
    return speedChannel(assetType, this.#plant);
  }

  /** Registers a type by its channel names (sorted, deduplicated); false when the type is already known. */
  register(assetType: string, channels: readonly string[]): boolean {
    if (this.specs(assetType) !== undefined) return false;
    const names = [...new Set(channels)].sort();
    this.#registered.set(
      assetType,
      names.map((name) => ({
        name,
        unit: '',
        min: Number.NEGATIVE_INFINITY,
        max: Number.POSITIVE_INFINITY,
        required: false,
      })),
    );
    return true;
  }

  /** Types registered at run time (not the plant's), with their channels. */
  registered(): { assetType: string; channels: string[] }[] {
    return [...this.#registered].map(([assetType, specs]) => ({ assetType, channels: specs.map((s) => s.name) }));
  }
}

export interface RegisteredAssetType {
  readonly assetType: string;
  readonly channels: readonly string[];
}

/** A catalogue of the plant's types plus registered ones (worker threads rebuild theirs from these rows). */
export function catalogueWith(registered: readonly RegisteredAssetType[], plant?: Plant): AssetTypeCatalogue {
  const catalogue = new AssetTypeCatalogue(plant);
  for (const r of registered) catalogue.register(r.assetType, r.channels);
  return catalogue;
}
