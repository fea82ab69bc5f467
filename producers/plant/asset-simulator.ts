/**
 * One simulated asset: its operating state, channel dynamics (driven load/speed, first-order lags, noise) and
 * the fault it currently suffers. Produces one reading per sample time. Three independent random streams
 * (physics, faults, data problems), each seeded from (seed, asset id), keep one asset's data unchanged when
 * other assets are added or when the rate of an unrelated problem changes.
 */
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import type { AssetTypeSpec, ChannelDefinition, FaultKind, LineSpec, Plant } from '../../core/plant/schema.js';
import { EventIdGenerator } from '../simulation/event-id.js';
import { hashString, Random } from '../simulation/random.js';
import { type ActiveFault, applicableKinds, applyFault, planFault } from './faults.js';
import { OperatingState } from './operating-state.js';

const NO_FLAGS: readonly string[] = Object.freeze([]);
const DAY_MS = 86_400_000;
/** Share of assets fitted with each optional sensor. */
const OPTIONAL_SENSOR_SHARE = 0.7;

export interface AssetIdentity {
  readonly id: string;
  readonly type: string;
  readonly site: string;
  readonly line: string;
}

export class AssetSimulator {
  readonly intervalMs: number;
  nextTime: number;
  seq = 0;
  readonly physics: Random;
  readonly problems: Random;
  private readonly faultsRng: Random;
  private readonly channels: readonly ChannelDefinition[];
  private readonly names: readonly string[];
  private readonly fitted: Uint8Array;
  private readonly lagged: Float64Array;
  private readonly alpha: Float64Array;
  private readonly values: Float64Array;
  private readonly absent: Uint8Array;
  private readonly state: OperatingState;
  private readonly ids: EventIdGenerator;
  private readonly faultKinds: FaultKind[];
  private readonly faultWeights: number[];
  private readonly meanFaultGapMs: number;
  private fault: ActiveFault | null = null;
  private nextFaultAt: number;
  private lastTime: number;

  constructor(
    readonly identity: AssetIdentity,
    /** Position in the fleet: breaks ties between assets sampled at the same millisecond, deterministically. */
    readonly order: number,
    private readonly type: AssetTypeSpec,
    line: LineSpec,
    plant: Plant,
    seed: number,
    start: number,
    intervalMs: number,
    private readonly end: number,
    private readonly onTruth: (truth: GroundTruth) => void,
  ) {
    const assetSeed = hashString(identity.id, seed);
    this.physics = new Random(assetSeed ^ 0x0b5e55ed);
    this.faultsRng = new Random(assetSeed ^ 0x0fa017ed);
    this.problems = new Random(assetSeed ^ 0x0dd1ca7e);
    this.ids = new EventIdGenerator('vigil-plant', seed, identity.id);
    this.channels = type.channels;
    this.names = type.channels.map((c) => c.name);
    const n = this.channels.length;
    this.fitted = Uint8Array.from(this.channels, (c) =>
      c.required || this.physics.chance(OPTIONAL_SENSOR_SHARE) ? 1 : 0,
    );
    this.lagged = new Float64Array(n);
    this.values = new Float64Array(n);
    this.absent = new Uint8Array(n);
    this.intervalMs = intervalMs;
    this.alpha = Float64Array.from(this.channels, (c) =>
      c.model.lagSeconds === 0 ? 1 : 1 - Math.exp(-intervalMs / (c.model.lagSeconds * 1000)),
    );
    this.state = new OperatingState(line, type.loadLevels, type.startupSeconds, this.physics);
    // Sensors on one line are not sampled in lock step: each asset has its own phase within the interval.
    this.nextTime = start + this.physics.int(0, Math.max(0, intervalMs - 1));
    this.lastTime = this.nextTime - intervalMs;
    this.state.initialise(this.nextTime);
    for (let c = 0; c < n; c++) this.lagged[c] = this.target(c);

    const kinds = applicableKinds(type);
    this.faultKinds = kinds.filter((k) => (plant.faults.mix[k] ?? 0) > 0);
    this.faultWeights = this.faultKinds.map((k) => plant.faults.mix[k] ?? 0);
    this.meanFaultGapMs =
      plant.faults.perAssetPerDay > 0 ? DAY_MS / plant.faults.perAssetPerDay : Number.POSITIVE_INFINITY;
    this.nextFaultAt = this.nextTime + this.faultsRng.exponential(this.meanFaultGapMs);
  }

  get regime(): string {
    return this.state.regime;
  }

  get load(): number {
    return this.state.load;
  }

  /** Builds the reading at `nextTime` and advances `nextTime` by one interval. */
  sample(): SensorReading {
    const time = this.nextTime;
    this.state.step(time, time - this.lastTime);
    this.lastTime = time;
    this.nextTime = time + this.intervalMs;
    const n = this.channels.length;
    for (let c = 0; c < n; c++) {
      const lagged =
        (this.lagged[c] as number) + (this.target(c) - (this.lagged[c] as number)) * (this.alpha[c] as number);
      this.lagged[c] = lagged;
      this.values[c] = lagged + (this.channels[c] as ChannelDefinition).model.noise * this.physics.normal();
      this.absent[c] = this.fitted[c] === 1 ? 0 : 1;
    }
    this.updateFault(time);
    if (this.fault !== null) applyFault(this.fault, this.channels, time, this.values, this.absent, this.faultsRng);

    const channels: Record<string, number> = {};
    for (let c = 0; c < n; c++) {
      if (this.absent[c] === 1) continue;
      const spec = this.channels[c] as ChannelDefinition;
      // Sensors saturate at their physical range and report a fixed resolution.
      const clamped = Math.min(spec.max, Math.max(spec.min, this.values[c] as number));
      channels[this.names[c] as string] = Math.round(clamped * 1000) / 1000;
    }
    const seq = this.seq++;
    return {
      eventId: this.ids.id(seq),
      assetId: this.identity.id,
      assetType: this.identity.type,
      site: this.identity.site,
      line: this.identity.line,
      eventTime: time,
      seq,
      channels,
      quality: NO_FLAGS,
    };
  }

  /** Names of the channels this asset reports (fitted ones). */
  channelNames(): string[] {
    return this.names.filter((_, c) => this.fitted[c] === 1);
  }

  private target(c: number): number {
    const m = (this.channels[c] as ChannelDefinition).model;
    const load = this.state.load;
    const speed = this.state.speed;
    return m.base + m.load * load + m.speed * speed + m.loadSpeed * load * speed;
  }

  private updateFault(time: number): void {
    if (this.fault !== null && time > this.fault.end) this.fault = null;
    if (this.fault !== null || time < this.nextFaultAt || this.faultKinds.length === 0) return;
    const kind = this.faultsRng.weighted(this.faultKinds, this.faultWeights);
    const running = this.state.regime === 'running';
    const fault = planFault(kind, this.type, this.fitted, time, running, this.faultsRng);
    if (fault === null) {
      // Cannot start now (equipment stopped, no fitting sensor): try again later rather than losing the fault.
      this.nextFaultAt = time + 15 * 60_000;
      return;
    }
    this.fault = fault;
    this.nextFaultAt = fault.end + this.faultsRng.exponential(this.meanFaultGapMs);
    this.onTruth({
      source: 'plant-simulator',
      stream: 'sensors',
      key: this.identity.id,
      channels: fault.channels.map((c) => this.names[c] as string),
      kind: fault.kind,
      start: fault.start,
      end: Math.min(fault.end, lastSampleBefore(this.end, fault.start, this.intervalMs)),
      severity: fault.severity,
    });
  }
}

/** The last sample time of this asset strictly before `end` (samples at start + k * interval). */
function lastSampleBefore(end: number, start: number, intervalMs: number): number {
  if (!Number.isFinite(end)) return Number.POSITIVE_INFINITY;
  return start + Math.max(0, Math.ceil((end - start) / intervalMs) - 1) * intervalMs;
}
