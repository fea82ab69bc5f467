/**
 * The one place a kafkajs client is built from Vigil's config: brokers, client id, TLS, SASL (plain or
 * SCRAM), and kafkajs logs routed into pino. Roles build producers, consumers and admins from this client.
 */
import { Kafka, type KafkaConfig, type LogEntry, type logCreator, logLevel, type SASLOptions } from 'kafkajs';
import type { Logger } from '../logger.js';

/** The part of Vigil's config the Kafka client needs (a full `Config` fits). */
export interface KafkaClientConfig {
  readonly kafka: {
    readonly brokers: readonly string[];
    readonly clientId: string;
    readonly ssl: boolean;
    readonly saslMechanism?: 'plain' | 'scram-sha-256' | 'scram-sha-512' | undefined;
    readonly saslUsername?: string | undefined;
    readonly saslPassword?: string | undefined;
  };
}

export interface KafkaClientOptions {
  /** Appended to the configured client id (`vigil-producer`), so broker logs and quotas tell roles apart. */
  readonly clientIdSuffix?: string;
  /** TCP connect timeout per broker, ms (kafkajs default 1000 is short for a broker across a WAN). */
  readonly connectionTimeoutMs?: number;
  /** kafkajs retries before an operation fails; roles wrap that with core/retry for their own policy. */
  readonly retries?: number;
}

const PINO_LEVEL_BY_KAFKAJS: Readonly<Record<number, 'error' | 'warn' | 'info' | 'debug'>> = {
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** The kafkajs level that emits exactly what the pino logger would keep. */
export function kafkajsLevelFor(pinoLevel: string): logLevel {
  switch (pinoLevel) {
    case 'trace':
    case 'debug':
      return logLevel.DEBUG;
    case 'info':
      return logLevel.INFO;
    case 'warn':
      return logLevel.WARN;
    case 'silent':
      return logLevel.NOTHING;
    default:
      return logLevel.ERROR;
  }
}

/** Routes kafkajs logs into a `{ component: 'kafkajs', namespace }` pino child. */
export function pinoLogCreator(logger: Logger): logCreator {
  const base = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }: LogEntry) => {
      const { message, timestamp: _timestamp, logger: _logger, ...extra } = log as typeof log & { logger?: string };
      base[PINO_LEVEL_BY_KAFKAJS[level] ?? 'info']({ namespace, ...extra }, message);
    };
}

function saslOf(config: KafkaClientConfig['kafka']): SASLOptions | undefined {
  const { saslMechanism, saslUsername, saslPassword } = config;
  // The config section refuses a mechanism without both credentials, so these are set together.
  if (!saslMechanism || saslUsername === undefined || saslPassword === undefined) return undefined;
  return { mechanism: saslMechanism, username: saslUsername, password: saslPassword } as SASLOptions;
}

/** The kafkajs configuration for Vigil's config (exported for tests; it holds the SASL password: never log it). */
export function kafkaConfigOf(
  config: KafkaClientConfig,
  logger: Logger,
  options: KafkaClientOptions = {},
): KafkaConfig {
  const sasl = saslOf(config.kafka);
  return {
    clientId: options.clientIdSuffix ? `${config.kafka.clientId}-${options.clientIdSuffix}` : config.kafka.clientId,
    brokers: [...config.kafka.brokers],
    ssl: config.kafka.ssl,
    ...(sasl ? { sasl } : {}),
    connectionTimeout: options.connectionTimeoutMs ?? 3_000,
    retry: { retries: options.retries ?? 5 },
    logLevel: kafkajsLevelFor(logger.level),
    logCreator: pinoLogCreator(logger),
  };
}

export function createKafkaClient(config: KafkaClientConfig, logger: Logger, options: KafkaClientOptions = {}): Kafka {
  return new Kafka(kafkaConfigOf(config, logger, options));
}
