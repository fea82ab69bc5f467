/**
 * `vigil audit-delivery --from <time> --to <time> [--stream sensors|orders]`: compares what the stream's topic
 * holds in a time range with what ClickHouse holds (raw rows + dead letters by source coordinates, inferences),
 * prints missing and duplicated records and exits 1 when any. For operators after an incident, and the check
 * the reliability tests run after each fault (delivery-audit/README.md).
 */
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createEventCodec } from '../../adapters/kafka/event-codec.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { topicsFromConfig } from '../../core/topics.js';
import { auditDelivery } from '../../delivery-audit/audit-delivery.js';
import { formatAudit, isClean } from '../../delivery-audit/compare.js';
import { reliabilityError } from '../../delivery-audit/errors.js';
import { eventIdReader } from '../../delivery-audit/topic-range.js';
import { parseTime } from '../../producers/importer/values.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

function usage(detail: string): never {
  throw cliError('VIGIL_CLI_USAGE', { detail });
}

const time = (name: string) => (raw: string) =>
  parseTime(raw) ?? usage(`${name} must be a time (ISO 8601 or epoch ms), got "${raw}"`);

function positiveInt(name: string) {
  return (raw: string): number => {
    const n = Number(raw);
    if (!Number.isInteger(n) || n <= 0) usage(`${name} must be a whole number > 0, got "${raw}"`);
    return n;
  };
}

interface AuditFlags {
  from?: number;
  to?: number;
  stream: string;
  json?: boolean;
  timeout: number;
  maxRecords: number;
}

export function registerAuditDelivery(program: Command, ctx: CliContext): void {
  program
    .command('audit-delivery')
    .description('compare what a topic holds in a time range with what ClickHouse holds: missing, duplicated')
    .requiredOption('--from <time>', 'start of the range (ISO 8601 or epoch ms), by record timestamp', time('--from'))
    .requiredOption('--to <time>', 'end of the range, exclusive', time('--to'))
    .option('--stream <stream>', 'sensors or orders', 'sensors')
    .option('--json', 'print the audit as JSON')
    .option(
      '--timeout <seconds>',
      'give up when reading the topic makes no progress for this long',
      positiveInt('--timeout'),
      300,
    )
    .option('--max-records <n>', 'refuse ranges holding more records', positiveInt('--max-records'), 5_000_000)
    .action(async (flags: AuditFlags) => {
      if (flags.stream !== 'sensors' && flags.stream !== 'orders')
        usage(`--stream must be sensors or orders, got "${flags.stream}"`);
      const from = flags.from as number;
      const to = flags.to as number;
      if (to <= from) usage('--to must be after --from');
      const stream = flags.stream;
      const config = ctx.config();
      const logger = ctx.logger();
      const topics = topicsFromConfig(config);
      const topic = stream === 'sensors' ? topics.sensorReadings : topics.orders;
      const registry = createRegistryClient(config);
      const codec = createEventCodec(topic.valueSchema, registry);
      const ch = await createClickHouse(config, logger);
      try {
        const audit = await auditDelivery({
          kafka: createKafkaClient(config, logger, { clientIdSuffix: 'audit' }),
          ch,
          eventIdOf: eventIdReader((bytes) => codec.decode(bytes)),
          stream,
          topic: topic.name,
          rawTable: stream === 'sensors' ? 'sensor_readings' : 'orders',
          from,
          to,
          readTimeoutMs: flags.timeout * 1000,
          maxRecords: flags.maxRecords,
          logger,
        });
        ctx.out.write(flags.json ? `${JSON.stringify(audit, null, 2)}\n` : formatAudit(audit));
        if (!isClean(audit))
          throw reliabilityError('VIGIL_RELIABILITY_AUDIT_FAILED', {
            topic: topic.name,
            missing: audit.totals.missing,
            duplicated: audit.totals.duplicated,
          });
      } finally {
        await ch.close();
      }
    });
}
