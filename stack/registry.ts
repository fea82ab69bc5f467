/**
 * The local registry's recipe: Apicurio Registry 3 (Quarkus) with KafkaSQL storage in the local broker, so schemas,
 * versions and compatibility rules survive restarts; Confluent-compatible API under /apis/ccompat/v7.
 */
import type { Env } from '../core/config/index.js';
import type { JavaRuntime } from './java.js';
import type { LocalKafka, LocalRegistry } from './plan.js';
import { markerFor } from './processes.js';

/** The KafkaSQL journal topic (Apicurio's default name); it must keep every record forever. */
export const JOURNAL_TOPIC = 'kafkasql-journal';

export function registryCommand(
  registry: LocalRegistry,
  kafka: LocalKafka,
  java: JavaRuntime,
  stackRoot: string,
  env: Env,
): { command: string; args: string[]; env: Env } {
  return {
    command: java.java,
    args: [
      `-Xmx${registry.heap}`,
      // C1 only and the serial collector: start-up ~7 s instead of ~26 s; a dev registry needs no peak throughput.
      '-XX:TieredStopAtLevel=1',
      '-XX:+UseSerialGC',
      '-Djava.awt.headless=true',
      markerFor('registry', stackRoot),
      '-jar',
      'quarkus-run.jar',
    ],
    env: {
      ...env,
      JAVA_HOME: java.home,
      APICURIO_STORAGE_KIND: 'kafkasql',
      APICURIO_KAFKASQL_BOOTSTRAP_SERVERS: `${kafka.host}:${kafka.port}`,
      APICURIO_KAFKASQL_TOPIC: JOURNAL_TOPIC,
      APICURIO_KAFKASQL_CONSUMER_POLL_TIMEOUT: '1000',
      // Quarkus binds every interface by default; the local stack stays on loopback.
      QUARKUS_HTTP_HOST: registry.host,
      QUARKUS_HTTP_PORT: String(registry.port),
      QUARKUS_MANAGEMENT_HOST: registry.host,
      QUARKUS_MANAGEMENT_PORT: String(registry.managementPort),
      // Apicurio's own console pattern prints dates like "2026-11+00-23"; an ISO-like one reads and sorts better.
      QUARKUS_LOG_CONSOLE_FORMAT: '%d{yyyy-MM-dd HH:mm:ss,SSS} %-5p [%c{3.}] (%t) %s%e%n',
    },
  };
}

export function registryReadyUrl(registry: LocalRegistry): string {
  return `http://${registry.host}:${registry.managementPort}/health/ready`;
}
