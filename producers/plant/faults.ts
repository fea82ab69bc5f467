/**
 * Equipment and sensor faults: which kinds fit an asset type, how long each lasts, and what it does to the
 * channel values while active. Each planned fault becomes one ground-truth record (asset, channels, kind,
 * start, end, severity), so a detector can be scored against exactly what was injected.
 *
 * Effects (R = physical range of the channel, sev = severity 0..1):
 *   spike              1-3 samples at value + (0.2 + 0.3 sev) R
 *   level_shift        +/- (0.05 + 0.1 sev) R for 30 min - 4 h
 *   drift              bearing wear: vibration rises linearly to + (0.04 + 0.12 sev) R over 6 - 48 h
 *   stuck              the sensor repeats the value it had when the fault began (zero variance)
 *   noise_burst        extra Gaussian noise, (5 + 10 sev) times the channel's noise, for 1 - 20 min
 *   overheating        temperature rises by 15 + 30 sev degrees towards a plateau (first-order)
 *   correlation_break  current rises 15-40% while flow stays flat at its value when the fault began
 *   dead_channel       the channel reads 0, or disappears from the readings, for 1 - 12 h
 * Equipment faults (drift, overheating, correlation_break) start only while the asset runs: a stopped pump
 * does not wear.
 */
import type { AssetTypeSpec, ChannelDefinition, ChannelRole, FaultKind } from '../../core/plant/schema.js';
import { FAULT_KINDS } from '../../core/plant/schema.js';
import type { Random } from '../simulation/random.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

export interface ActiveFault {
  readonly kind: FaultKind;
  /** Channel indices in the asset type's channel list; for correlation_break: [current, flow]. */
  readonly channels: readonly number[];
  readonly start: number;
  readonly end: number;
  readonly severity: number;
  /** +1 or -1 (level shift direction). */
  readonly sign: number;
  /** dead_channel: true = the key is absent, false = the channel reads 0. */
  readonly absent: boolean;
  /** Values captured at the first active sample (stuck, correlation_break); NaN until captured. */
  readonly held: number[];
}

const EQUIPMENT_FAULTS: ReadonlySet<FaultKind> = new Set(['drift', 'overheating', 'correlation_break']);

/** Indices of the asset's fitted channels with `role` (any role when undefined). */
function fittedChannels(type: AssetTypeSpec, fitted: Uint8Array, role?: ChannelRole): number[] {
  const out: number[] = [];
  type.channels.forEach((c, i) => {
    if (fitted[i] === 1 && (role === undefined || c.role === role)) out.push(i);
  });
  return out;
}

/** The fault kinds an asset type can have (e.g. no correlation break without both a current and a flow channel). */
export function applicableKinds(type: AssetTypeSpec): FaultKind[] {
  const has = (role: ChannelRole) => type.channels.some((c) => c.role === role);
  return FAULT_KINDS.filter((kind) => {
    if (kind === 'drift') return has('vibration');
    if (kind === 'overheating') return has('temperature');
    if (kind === 'correlation_break') return has('current') && has('flow');
    return true;
  });
}

function duration(kind: FaultKind, rng: Random, sampleIntervalMs: number): number {
  switch (kind) {
    case 'spike':
      return rng.int(0, 2) * sampleIntervalMs;
    case 'level_shift':
      return rng.uniform(30 * MINUTE, 4 * HOUR);
    case 'drift':
      return rng.uniform(6 * HOUR, 48 * HOUR);
    case 'stuck':
      return rng.uniform(10 * MINUTE, 2 * HOUR);
    case 'noise_burst':
      return rng.uniform(MINUTE, 20 * MINUTE);
    case 'overheating':
      return rng.uniform(20 * MINUTE, 3 * HOUR);
    case 'correlation_break':
      return rng.uniform(30 * MINUTE, 4 * HOUR);
    case 'dead_channel':
      return rng.uniform(HOUR, 12 * HOUR);
  }
}

/**
 * Plans a fault of `kind` starting at `start` on the asset's fitted channels (`fitted[i]` = 1), or returns null
 * when it cannot start now (an equipment fault while the asset is stopped, or no fitted channel fits the kind).
 */
export function planFault(
  kind: FaultKind,
  type: AssetTypeSpec,
  fitted: Uint8Array,
  start: number,
  running: boolean,
  rng: Random,
): ActiveFault | null {
  if (EQUIPMENT_FAULTS.has(kind) && !running) return null;
  const roles: (ChannelRole | undefined)[] =
    kind === 'drift'
      ? ['vibration']
      : kind === 'overheating'
        ? ['temperature']
        : kind === 'correlation_break'
          ? ['current', 'flow']
          : [undefined];
  const channels: number[] = [];
  for (const role of roles) {
    const candidates = fittedChannels(type, fitted, role);
    if (candidates.length === 0) return null;
    channels.push(rng.pick(candidates));
  }
  const severity = Math.round(rng.uniform(0.2, 1) * 1000) / 1000;
  const end = start + Math.round(duration(kind, rng, type.sampleIntervalMs));
  return {
    kind,
    channels,
    start,
    end,
    severity,
    sign: rng.chance(0.5) ? 1 : -1,
    absent: rng.chance(0.5),
    held: channels.map(() => Number.NaN),
  };
}

/**
 * Applies an active fault to the sample at `time` (start <= time <= end), in place on `values` (indexed like
 * the asset type's channels). `absent` receives 1 for channels that must be left out of the reading.
 */
export function applyFault(
  fault: ActiveFault,
  channels: readonly ChannelDefinition[],
  time: number,
  values: Float64Array,
  absent: Uint8Array,
  rng: Random,
): void {
  const index = fault.channels[0] as number;
  const spec = channels[index] as ChannelDefinition;
  const range = spec.max - spec.min;
  const sev = fault.severity;
  const span = Math.max(1, fault.end - fault.start);
  const progress = (time - fault.start) / span;
  const value = values[index] as number;
  switch (fault.kind) {
    case 'spike':
      values[index] = value + (0.2 + 0.3 * sev) * range;
      break;
    case 'level_shift':
      values[index] = value + fault.sign * (0.05 + 0.1 * sev) * range;
      break;
    case 'drift':
      values[index] = value + progress * (0.04 + 0.12 * sev) * range;
      break;
    case 'stuck':
      if (Number.isNaN(fault.held[0])) fault.held[0] = value;
      values[index] = fault.held[0] as number;
      break;
    case 'noise_burst':
      values[index] = value + rng.normal() * Math.max(spec.model.noise * (5 + 10 * sev), 0.01 * range);
      break;
    case 'overheating': {
      const tau = span / 3;
      values[index] = value + (15 + 30 * sev) * (1 - Math.exp(-(time - fault.start) / tau));
      break;
    }
    case 'correlation_break': {
      const flowIndex = fault.channels[1] as number;
      const flowSpec = channels[flowIndex] as ChannelDefinition;
      if (Number.isNaN(fault.held[0])) {
        fault.held[0] = Math.max(value, 0.2 * range);
        fault.held[1] = values[flowIndex] as number;
      }
      const ramp = Math.min(1, progress / 0.1);
      values[index] = value + ramp * (0.15 + 0.25 * sev) * (fault.held[0] as number);
      values[flowIndex] = (fault.held[1] as number) + rng.normal() * flowSpec.model.noise;
      break;
    }
    case 'dead_channel':
      if (fault.absent) absent[index] = 1;
      else values[index] = 0;
      break;
  }
}
