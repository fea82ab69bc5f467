/** `vigil migrate` steps for Kafka: declared topics (core/topics.ts) and their Avro value schemas. */
import { ensureTopicsFromConfig } from '../../../adapters/kafka/topics.js';
import { registerSchemasFromConfig } from '../../../adapters/registry/register-schemas.js';
import { topicList, topicsFromConfig } from '../../../core/topics.js';
import type { MigrateStep } from '../migrate.js';

export const topicsStep: MigrateStep = {
  name: 'topics',
  description: 'Kafka topics declared in core/topics.ts (partitions, retention, cleanup policy)',
  async apply(ctx) {
    const report = await ensureTopicsFromConfig(ctx.config(), ctx.logger());
    return [
      ...report.created.map((t) => `created ${t}`),
      ...report.drift.map(
        (d) => `drift ${d.topic}: ${d.setting} is ${d.actual}, declared ${d.declared} (left alone; change it by hand)`,
      ),
      `${report.created.length} created, ${report.existing.length} already existed`,
    ];
  },
  async status(ctx) {
    return topicList(topicsFromConfig(ctx.config())).map(
      (t) => `declared ${t.name} (${t.partitions} partitions, ${t.cleanupPolicy})`,
    );
  },
};

export const schemasStep: MigrateStep = {
  name: 'schemas',
  description: 'Avro value schemas of every topic, registered with compatibility BACKWARD',
  async apply(ctx) {
    const registered = await registerSchemasFromConfig(ctx.config());
    return registered.map((r) => `${r.subject} -> schema id ${r.id} (BACKWARD)`);
  },
  async status(ctx) {
    return topicList(topicsFromConfig(ctx.config())).map((t) => `declared ${t.valueSubject} (${t.valueSchema})`);
  },
};
