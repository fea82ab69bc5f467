/**
 * vitest globalSetup of the integration tier: makes sure a Kafka broker and a schema registry are there.
 * If the configured ones (KAFKA_BROKERS, SCHEMA_REGISTRY_URL, defaults 127.0.0.1:9092 / :8081) are healthy they are
 * used as they are; otherwise the local stack is started with the same code as `vigil stack up`, and stopped at
 * teardown only if this setup started it and VIGIL_KEEP_STACK is not "true".
 * Tests read the addresses with `inject('kafkaBrokers')` / `inject('schemaRegistryUrl')`; KAFKA_BROKERS and
 * SCHEMA_REGISTRY_URL are also set in the environment the test workers inherit.
 */
import type { TestProject } from 'vitest/node';
import { loadConfig } from '../../core/config/index.js';
import { type ComponentName, kafkaCheck, planStack, registryCheck, stackDown, stackUp } from '../../stack/index.js';

declare module 'vitest' {
  export interface ProvidedContext {
    kafkaBrokers: string[];
    schemaRegistryUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const env = process.env;
  const config = loadConfig(env);
  const plan = planStack(config);
  const say = (line: string) => process.stderr.write(`[vigil stack] ${line}\n`);

  const [kafka, registry] = await Promise.all([kafkaCheck(plan)(), registryCheck(plan)()]);
  let startedHere: ComponentName[] = [];
  if (!kafka.healthy || !registry.healthy) {
    say(
      `Kafka or registry not healthy (${kafka.healthy ? 'registry' : 'kafka'}: ${kafka.healthy ? registry.detail : kafka.detail}); starting the local stack (the first run fetches ~220 MB from Maven Central and takes a minute)...`,
    );
    const result = await stackUp(plan, { env, report: say });
    startedHere = result.components.filter((c) => c.action === 'started').map((c) => c.component);
  }

  project.provide('kafkaBrokers', [...config.kafka.brokers]);
  project.provide('schemaRegistryUrl', config.registry.url);
  env.KAFKA_BROKERS ??= config.kafka.brokers.join(',');
  env.SCHEMA_REGISTRY_URL ??= config.registry.url;

  return async () => {
    if (startedHere.length === 0 || env.VIGIL_KEEP_STACK === 'true') return;
    say('stopping the local stack this test run started (set VIGIL_KEEP_STACK=true to keep it)');
    await stackDown(plan, { env, report: say }, startedHere);
  };
}
