/**
 * Contract validation of decoded sensor readings: the checks that decide whether a reading enters the
 * pipeline or goes to the dead-letter topic. Pure, never throws, and allocation-free when the reading is
 * valid (the shared `CONTRACT_OK` is returned); only a violation allocates its result and message.
 *
 * The per-asset-type channel catalogue lives with the plant model (core/plant/); this module only needs the
 * narrow `ChannelCatalogue` lookup, so the two can evolve separately.
 */
import type { DeadLetterReason, SensorReading } from './types.js';

/** One channel of an asset type: unit and physical range (values outside it are sensor or transport faults). */
export interface ChannelSpec {
  readonly name: string;
  readonly unit: string;
  readonly min: number;
  readonly max: number;
  readonly required: boolean;
}

/** The channels of an asset type, or undefined when the type is not in the catalogue. */
export type ChannelCatalogue = (assetType: string) => readonly ChannelSpec[] | undefined;

export interface ContractOptions {
  /** How far after its receive time an event time may lie (clock skew between gateways and processors), ms. */
  readonly maxFutureSkewMs: number;
  /** Event times before this are absurd (a device clock reset to 1970, a seconds/ms mix-up). Default 2000-01-01. */
  readonly minEventTime?: number;
}

export type ContractViolationReason = Extract<
  DeadLetterReason,
  'NAN_VALUE' | 'MISSING_CHANNEL' | 'OUT_OF_RANGE' | 'ABSURD_TIMESTAMP' | 'CONTRACT_VIOLATION'
>;

export type ContractResult =
  | { readonly ok: true }
  | {
      readonly ok: false;
      readonly reason: ContractViolationReason;
      /** The offending channel, when the violation is about one. */
      readonly channel: string | undefined;
      readonly message: string;
    };

export const CONTRACT_OK: ContractResult = Object.freeze({ ok: true });

/** 2000-01-01T00:00:00Z. */
export const DEFAULT_MIN_EVENT_TIME = Date.UTC(2000, 0, 1);

function violation(reason: ContractViolationReason, message: string, channel?: string): ContractResult {
  return { ok: false, reason, channel, message };
}

/**
 * Checks, in this order: event time sane (ABSURD_TIMESTAMP), every channel value finite (NAN_VALUE, also for
 * channels the catalogue does not list), asset type known (CONTRACT_VIOLATION), every required channel present
 * (MISSING_CHANNEL), every catalogued channel inside its physical range (OUT_OF_RANGE). Channels the catalogue
 * does not list are accepted: plants add sensors before the catalogue learns about them.
 */
export function validateReading(
  reading: SensorReading,
  receivedAt: number,
  catalogue: ChannelCatalogue,
  options: ContractOptions,
): ContractResult {
  const eventTime = reading.eventTime;
  const minEventTime = options.minEventTime ?? DEFAULT_MIN_EVENT_TIME;
  if (!Number.isFinite(eventTime) || eventTime < minEventTime) {
    return violation('ABSURD_TIMESTAMP', `event time ${eventTime} is before ${new Date(minEventTime).toISOString()}`);
  }
  if (eventTime > receivedAt + options.maxFutureSkewMs) {
    return violation(
      'ABSURD_TIMESTAMP',
      `event time ${eventTime} is ${eventTime - receivedAt} ms after the receive time ${receivedAt} (allowed skew ${options.maxFutureSkewMs} ms)`,
    );
  }

  const channels = reading.channels;
  for (const name in channels) {
    const value = channels[name];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      return violation('NAN_VALUE', `channel ${name} has the non-finite value ${String(value)}`, name);
    }
  }

  const specs = catalogue(reading.assetType);
  if (specs === undefined) {
    return violation('CONTRACT_VIOLATION', `asset type "${reading.assetType}" has no channel catalogue`);
  }
  for (let i = 0; i < specs.length; i++) {
    const spec = specs[i] as ChannelSpec;
    const value = Object.hasOwn(channels, spec.name) ? channels[spec.name] : undefined;
    if (value === undefined) {
      if (spec.required) {
        return violation('MISSING_CHANNEL', `required channel ${spec.name} is missing`, spec.name);
      }
      continue;
    }
    if (value < spec.min || value > spec.max) {
      return violation(
        'OUT_OF_RANGE',
        `channel ${spec.name} = ${value} ${spec.unit} is outside its physical range [${spec.min}, ${spec.max}]`,
        spec.name,
      );
    }
  }
  return CONTRACT_OK;
}

/** A catalogue lookup over a plain object of asset type -> channels (tests, static catalogues). */
export function catalogueOf(byAssetType: Readonly<Record<string, readonly ChannelSpec[]>>): ChannelCatalogue {
  return (assetType) => (Object.hasOwn(byAssetType, assetType) ? byAssetType[assetType] : undefined);
}
