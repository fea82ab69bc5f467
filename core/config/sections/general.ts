import { option, section } from '../option.js';
import { logLevel, nonEmpty } from '../parsers.js';

export const general = section('general', {
  dataDir: option({
    env: 'VIGIL_DATA_DIR',
    default: '.vigil',
    doc: 'Directory for local state: downloaded stack components, broker and registry data, embedded ClickHouse data, models.',
    schema: nonEmpty,
  }),
  logLevel: option({
    env: 'LOG_LEVEL',
    default: 'info',
    doc: 'pino log level: fatal, error, warn, info, debug, trace or silent.',
    schema: logLevel,
  }),
  topicPrefix: option({
    env: 'VIGIL_TOPIC_PREFIX',
    default: 'vigil.',
    doc: 'Prefix of every Kafka topic (and so of every schema subject) Vigil creates; lets several deployments share a cluster.',
    schema: nonEmpty.regex(/^[A-Za-z0-9._-]+$/, 'must use only letters, digits, ".", "_" and "-"'),
  }),
});
