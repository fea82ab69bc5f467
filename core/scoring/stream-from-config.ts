/**
 * A stream's scoring configuration derived from the Config, in one place for every role that scores a stream
 * the way the live processor does (stream-processors/ and replay/): the stream definition (feature sets from
 * the features section and the plant catalogue), the alert policy, and how far back a key's state reaches.
 * Replay's bit-for-bit parity with the live stream depends on both deriving these identically.
 */
import { type AlertPolicyConfig, alertPolicyFromConfig } from '../alerts/index.js';
import type { Config } from '../config/index.js';
import type { Order, SensorReading } from '../events/types.js';
import { AssetTypeCatalogue } from '../plant/asset-type-catalogue.js';
import { orderStream, type StreamDefinition, type StreamName, sensorStream } from './stream-definition.js';

export interface StreamScoring<E> {
  readonly definition: StreamDefinition<E>;
  readonly alertPolicy: AlertPolicyConfig;
  /** Longest window + allowed lateness: how far back a key's state reaches. */
  readonly retentionMs: number;
  /** The allowed lateness: an event older than its key's newest minus this is late. */
  readonly allowedLatenessMs: number;
}

export function streamScoringFromConfig(
  name: StreamName,
  config: Config,
  /** The known asset types: the plant's plus those registered by imports (replay loads them from asset_types). */
  assetTypes: AssetTypeCatalogue = new AssetTypeCatalogue(),
): StreamScoring<SensorReading | Order> {
  const features = config.features;
  const alertPolicy = alertPolicyFromConfig(`${name}-default`, config.alerts);
  const allowedLatenessMs = features.allowedLatenessMs;
  if (name === 'sensors') {
    const scoring: StreamScoring<SensorReading> = {
      definition: sensorStream(
        features,
        (t) => assetTypes.channelNames(t),
        (t) => assetTypes.speedChannel(t),
      ),
      alertPolicy,
      retentionMs: Math.max(...features.windowsMs) + allowedLatenessMs,
      allowedLatenessMs,
    };
    return scoring as StreamScoring<SensorReading | Order>;
  }
  const scoring: StreamScoring<Order> = {
    definition: orderStream(features),
    alertPolicy,
    retentionMs: Math.max(...features.orderWindowsMs) + allowedLatenessMs,
    allowedLatenessMs,
  };
  return scoring as StreamScoring<SensorReading | Order>;
}
