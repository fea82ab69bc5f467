/** What the serving plugins share: clients and services built once by the caller and decorated nowhere else. */
import type { ClickHouse } from '../adapters/clickhouse/index.js';
import type { Logger } from '../adapters/logger.js';
import type { Registry } from '../adapters/metrics.js';
import type { Config } from '../core/config/index.js';
import type { ModelRegistry } from '../core/model/registry.js';
import type { AuditLog } from './audit/audit-log.js';
import type { BufferedInsert } from './buffered-insert.js';
import type { KeyStore } from './keys/key-store.js';
import type { AlertFeed } from './live/alert-feed.js';
import type { ApiScorer } from './scoring/api-scorer.js';
import type { LoadedModels } from './scoring/loaded-models.js';

/** Re-publishes raw record bytes to a topic (dead-letter replay); kafkajs behind it in production. */
export interface RawPublisher {
  send(topic: string, key: Buffer | null, value: Buffer | null): Promise<{ partition: number; offset: string }>;
}

/** Publishes readings posted to /v1/ingest (the producers' publishing library behind it). */
export interface ReadingPublisher {
  publish(readings: readonly import('../core/events/types.js').SensorReading[]): Promise<{ published: number }>;
}

/** One dependency /readyz checks: resolves when ready, throws (with the reason) when not. */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<void>;
}

export interface ServingContext {
  readonly config: Config;
  readonly ch: ClickHouse;
  readonly logger: Logger;
  readonly metrics: Registry;
  readonly keys: KeyStore;
  readonly audit: AuditLog;
  /** Inference rows of API scoring, batched; read routes flush it first so a client reads its own writes. */
  readonly inferenceRows: BufferedInsert;
  readonly models: LoadedModels;
  readonly scorer: ApiScorer;
  readonly alertFeed: AlertFeed;
  readonly readiness: readonly ReadinessProbe[];
  readonly registry?: ModelRegistry;
  readonly rawPublisher?: RawPublisher;
  readonly readingPublisher?: ReadingPublisher;
  /** Directory of the built UI (index.html + assets); absent: the UI is not served. */
  readonly uiDir?: string;
  readonly now?: () => number;
  /** Called after a promote/shadow/rollback through the API, so this server scores with the new version at once. */
  readonly onModelChange?: (modelName: string) => Promise<void>;
}
