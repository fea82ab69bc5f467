/**
 * Apicurio's KafkaSQL storage is a journal topic replayed at start: it is the registry's only copy of the schemas,
 * so it must never expire. The broker's default retention is 7 days, so the journal is created here (before
 * Apicurio would create it) with unlimited retention, and an existing one is corrected if it is not.
 */
import kafkajs from 'kafkajs';

// kafkajs is CommonJS: its named exports are not all visible to ESM imports.
const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;

import { JOURNAL_TOPIC } from './registry.js';

const FOREVER = [
  { name: 'retention.ms', value: '-1' },
  { name: 'retention.bytes', value: '-1' },
  { name: 'cleanup.policy', value: 'delete' },
];

export async function ensureJournalRetention(brokers: readonly string[]): Promise<'created' | 'corrected' | 'ok'> {
  const admin = new Kafka({
    clientId: 'vigil-stack-journal',
    brokers: [...brokers],
    logLevel: logLevel.NOTHING,
    retry: { retries: 5 },
  }).admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (!topics.includes(JOURNAL_TOPIC)) {
      // One partition: Apicurio relies on the journal's total order.
      await admin.createTopics({
        waitForLeaders: true,
        topics: [{ topic: JOURNAL_TOPIC, numPartitions: 1, replicationFactor: 1, configEntries: FOREVER }],
      });
      return 'created';
    }
    const described = await admin.describeConfigs({
      includeSynonyms: false,
      resources: [
        { type: ConfigResourceTypes.TOPIC, name: JOURNAL_TOPIC, configNames: ['retention.ms', 'retention.bytes'] },
      ],
    });
    const entries = described.resources[0]?.configEntries ?? [];
    if (entries.every((e) => e.configValue === '-1')) return 'ok';
    await admin.alterConfigs({
      validateOnly: false,
      resources: [{ type: ConfigResourceTypes.TOPIC, name: JOURNAL_TOPIC, configEntries: FOREVER }],
    });
    return 'corrected';
  } finally {
    await admin.disconnect();
  }
}
