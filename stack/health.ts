/**
 * Health of the broker and the registry, checked the way clients use them: a Kafka metadata round trip
 * (describeCluster) and, for the registry, Quarkus readiness plus the Confluent API answering.
 */
import kafkajs, { type KafkaConfig } from 'kafkajs';
import type { RemoteKafkaAuth } from './plan.js';

// kafkajs is CommonJS: its named exports are not all visible to ESM imports.
const { Kafka, logLevel } = kafkajs;
type SASLOptions = NonNullable<KafkaConfig['sasl']>;

export interface Health {
  readonly healthy: boolean;
  /** What was seen: "1 broker, controller 1" or the reason it is unhealthy. */
  readonly detail: string;
}

const CHECK_TIMEOUT_MS = 3_000;

export async function kafkaHealth(
  brokers: readonly string[],
  auth?: RemoteKafkaAuth,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Health> {
  const admin = new Kafka({
    clientId: 'vigil-stack-health',
    brokers: [...brokers],
    ...(auth?.ssl ? { ssl: true } : {}),
    ...(auth?.sasl ? { sasl: { ...auth.sasl } as SASLOptions } : {}),
    connectionTimeout: timeoutMs,
    requestTimeout: timeoutMs,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  }).admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    return {
      healthy: cluster.brokers.length > 0,
      detail: `${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}`,
    };
  } catch (error) {
    return { healthy: false, detail: `metadata request failed: ${(error as Error).message}` };
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}

export interface BasicAuth {
  readonly username: string;
  readonly password: string;
}

async function httpStatus(
  url: string,
  timeoutMs: number,
  auth?: BasicAuth,
): Promise<{ status: number } | { error: string }> {
  const headers: Record<string, string> = auth
    ? { authorization: `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}` }
    : {};
  try {
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    await response.arrayBuffer();
    return { status: response.status };
  } catch (error) {
    const cause = (error as { cause?: { code?: string } }).cause;
    return { error: cause?.code ?? (error as Error).message };
  }
}

/** `readyUrl` is the management /health/ready of a local Apicurio; remote registries only get the API check. */
export async function registryHealth(
  apiUrl: string,
  readyUrl?: string,
  auth?: BasicAuth,
  timeoutMs = CHECK_TIMEOUT_MS,
): Promise<Health> {
  if (readyUrl) {
    const ready = await httpStatus(readyUrl, timeoutMs);
    if (!('status' in ready) || ready.status !== 200) {
      return { healthy: false, detail: `${readyUrl}: ${'status' in ready ? `HTTP ${ready.status}` : ready.error}` };
    }
  }
  const subjects = await httpStatus(`${apiUrl}/subjects`, timeoutMs, auth);
  if (!('status' in subjects) || subjects.status !== 200) {
    return {
      healthy: false,
      detail: `${apiUrl}/subjects: ${'status' in subjects ? `HTTP ${subjects.status}` : subjects.error}`,
    };
  }
  return { healthy: true, detail: readyUrl ? 'ready, Confluent API answers' : 'Confluent API answers' };
}
