/**
 * `vigil process --stream sensors|orders`: runs one stream processor (one consumer group member) until Ctrl-C
 * or SIGTERM, serving /metrics on VIGIL_METRICS_PORT. Start several for scale-out: they share partitions.
 */
import type { Command } from 'commander';
import { createMigratedClickHouse } from '../../adapters/clickhouse/index.js';
import { createMetricsRegistry, serveMetrics } from '../../adapters/metrics.js';
import { liveAlertRulesFor } from '../../alert-workflow/index.js';
import { NotificationRelay } from '../../alert-workflow/notification-relay.js';
import { AssetTypeCatalogue } from '../../core/plant/asset-type-catalogue.js';
import { assetTypes } from '../../core/plant/catalogue.js';
import type { StreamName } from '../../core/scoring/index.js';
import { loadPlant } from '../../producers/plant/load-plant.js';
import { StreamProcessor } from '../../stream-processors/processor.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { modelSourceFor } from '../model-source.js';
import { untilSignal } from '../signals.js';

export function subjectsOf(stream: StreamName): string[] {
  return stream === 'sensors' ? assetTypes() : ['store'];
}

export function registerProcess(program: Command, ctx: CliContext): void {
  program
    .command('process')
    .description('run a stream processor: event-time features, ONNX scoring, alerts, exactly-once results')
    .requiredOption('--stream <name>', 'sensors or orders')
    .option('--group <id>', 'consumer group id (default vigil-processor-<stream>)')
    .action(async (o: { stream: string; group?: string }) => {
      if (o.stream !== 'sensors' && o.stream !== 'orders') {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--stream must be sensors or orders, got "${o.stream}"` });
      }
      const config = ctx.config();
      const logger = ctx.logger();
      const clickhouse = await createMigratedClickHouse(config, logger);
      const metrics = createMetricsRegistry();
      const server = await serveMetrics(metrics, config.api.host, config.processor.metricsPort);
      let fatal: unknown;
      const stopped = new AbortController();
      const assetTypes = new AssetTypeCatalogue(await loadPlant(config.producers.plantFile));
      const processor = new StreamProcessor({
        stream: o.stream,
        config,
        logger,
        clickhouse,
        metrics,
        models: await modelSourceFor(ctx, clickhouse, assetTypes),
        assetTypes,
        subjects: subjectsOf(o.stream),
        publishAllInferences: config.processor.publishAllInferences,
        alertRules: liveAlertRulesFor(o.stream, clickhouse, config, logger),
        ...(o.group ? { groupId: o.group } : {}),
        onFatal: (error) => {
          fatal = error;
          stopped.abort();
        },
      });
      // Listening before start: a SIGTERM while starting still stops cleanly once started.
      const signalled = untilSignal(stopped.signal);
      // Webhook notifications (VIGIL_WEBHOOK_URL) ride along with processors: one consumer group shares the work.
      const notifier = config.alertWorkflow.webhookUrl ? new NotificationRelay({ config, logger, metrics }) : undefined;
      try {
        await processor.start();
        await notifier?.start();
        ctx.out.write(
          `processing ${o.stream}; metrics at http://${config.api.host}:${config.processor.metricsPort}/metrics (Ctrl-C stops)\n`,
        );
        await signalled;
      } finally {
        await notifier?.stop();
        await processor.stop();
        server.close();
        await clickhouse.close();
      }
      if (fatal !== undefined) throw fatal;
    });
}
