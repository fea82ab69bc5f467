/**
 * The plant simulator: every asset of the plant (or N assets cloned from it), merged into one stream in time
 * order, with the data problems real plants send (missing, duplicated, out-of-order, late readings, NaN values)
 * and injected faults reported as ground truth.
 *
 * It is a pull source with no clock of its own: `next()` returns the next reading in emission order, and
 * `peekTime()` says when that emission is due, so a real-time driver can wait for the wall clock while a
 * historical run pulls as fast as the sink accepts. Same seed + same plant + same options = same output.
 */
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import type { AssetTypeSpec, LineSpec, Plant } from '../../core/plant/schema.js';
import { TimeHeap } from '../simulation/min-heap.js';
import { type AssetIdentity, AssetSimulator } from './asset-simulator.js';

export interface PlantSimulationOptions {
  /** Any 32-bit integer; the same seed reproduces the same events. */
  readonly seed: number;
  /** Event time of the first samples (epoch ms). */
  readonly start: number;
  /** Exclusive end of event time (epoch ms); omitted = endless (real-time mode). */
  readonly end?: number;
  /** Number of assets: the plant's first N, or the plant's assets cloned (id suffix -1, -2, ...) beyond it. */
  readonly assets?: number;
  /** Samples per second per asset; overrides each asset type's sample interval. */
  readonly hz?: number;
  /** Receives each injected fault when it begins (its planned end is already known). */
  readonly onTruth?: (truth: GroundTruth) => void;
}

export interface PlantSimulationStats {
  generated: number;
  emitted: number;
  missing: number;
  duplicates: number;
  outOfOrder: number;
  late: number;
  nan: number;
  faults: number;
}

/** The assets to simulate: the plant's own, truncated or cloned to `count`. */
export function fleet(plant: Plant, count?: number): AssetIdentity[] {
  const base = plant.assets;
  const n = count ?? base.length;
  const out: AssetIdentity[] = [];
  for (let i = 0; i < n; i++) {
    const a = base[i % base.length]!;
    const copy = Math.floor(i / base.length);
    out.push({ id: copy === 0 ? a.id : `${a.id}-${copy}`, type: a.type, site: a.site, line: a.line });
  }
  return out;
}

export class PlantSimulator {
  readonly stats: PlantSimulationStats = {
    generated: 0,
    emitted: 0,
    missing: 0,
    duplicates: 0,
    outOfOrder: 0,
    late: 0,
    nan: 0,
    faults: 0,
  };
  readonly assets: readonly AssetSimulator[];
  private readonly due = new TimeHeap<AssetSimulator>();
  private readonly delayed = new TimeHeap<SensorReading>();
  private delayedCount = 0;
  private readonly end: number;
  private readonly rates: Plant['dataProblems'];

  constructor(plant: Plant, options: PlantSimulationOptions) {
    this.end = options.end ?? Number.POSITIVE_INFINITY;
    this.rates = plant.dataProblems;
    const onTruth = (truth: GroundTruth) => {
      this.stats.faults++;
      options.onTruth?.(truth);
    };
    const lines = new Map<string, LineSpec>();
    for (const site of plant.sites) for (const line of site.lines) lines.set(`${site.id}/${line.id}`, line);
    this.assets = fleet(plant, options.assets).map((identity, order) => {
      const type = plant.assetTypes[identity.type] as AssetTypeSpec;
      const interval = options.hz === undefined ? type.sampleIntervalMs : Math.max(1, Math.round(1000 / options.hz));
      const line = lines.get(`${identity.site}/${identity.line}`) as LineSpec;
      return new AssetSimulator(
        identity,
        order,
        type,
        line,
        plant,
        options.seed,
        options.start,
        interval,
        this.end,
        onTruth,
      );
    });
    for (const asset of this.assets) if (asset.nextTime < this.end) this.due.push(asset.nextTime, asset.order, asset);
  }

  /** When the next emission is due (epoch ms), +Infinity when the run is over. */
  peekTime(): number {
    return Math.min(this.due.peekTime(), this.delayed.peekTime());
  }

  /** The next reading in emission order, or null when the run is over. */
  next(): SensorReading | null {
    for (;;) {
      const dueAt = this.due.peekTime();
      if (this.delayed.size > 0 && this.delayed.peekTime() <= dueAt) {
        this.stats.emitted++;
        return this.delayed.pop() as SensorReading;
      }
      if (dueAt === Number.POSITIVE_INFINITY) return null;
      const asset = this.due.pop() as AssetSimulator;
      const reading = asset.sample();
      if (asset.nextTime < this.end) this.due.push(asset.nextTime, asset.order, asset);
      this.stats.generated++;
      const emitted = this.disturb(asset, reading);
      if (emitted !== null) {
        this.stats.emitted++;
        return emitted;
      }
    }
  }

  /** Applies the data problems to a fresh reading: returns it for immediate emission, or null when dropped or delayed. */
  private disturb(asset: AssetSimulator, reading: SensorReading): SensorReading | null {
    const rng = asset.problems;
    const r = this.rates;
    if (rng.chance(r.missingRate)) {
      this.stats.missing++;
      return null;
    }
    if (rng.chance(r.nanRate)) {
      const names = Object.keys(reading.channels);
      if (names.length > 0) {
        (reading.channels as Record<string, number>)[rng.pick(names)] = Number.NaN;
        this.stats.nan++;
      }
    }
    if (rng.chance(r.duplicateRate)) {
      this.stats.duplicates++;
      this.delay(reading, reading.eventTime + rng.int(0, 3) * asset.intervalMs);
    }
    if (rng.chance(r.outOfOrderRate)) {
      this.stats.outOfOrder++;
      this.delay(reading, reading.eventTime + rng.int(1, 10) * asset.intervalMs);
      return null;
    }
    if (rng.chance(r.lateRate)) {
      this.stats.late++;
      const [min, max] = r.lateDelayMs;
      this.delay(reading, reading.eventTime + rng.int(min, max));
      return null;
    }
    return reading;
  }

  private delay(reading: SensorReading, releaseAt: number): void {
    this.delayed.push(releaseAt, this.delayedCount++, reading);
  }
}
