/**
 * `vigil monitor`: the monitor role. Runs the data-quality and drift jobs every VIGIL_MONITOR_INTERVAL, stores
 * results in ClickHouse (data_quality, drift, monitoring_alerts) and serves /metrics on
 * VIGIL_MONITOR_METRICS_HOST:VIGIL_MONITOR_METRICS_PORT until SIGINT/SIGTERM. `--once` runs the jobs once and
 * exits (1 if a job failed), for cron-style deployments and smoke tests.
 */
import type { Server } from 'node:http';
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { createMetricsRegistry, serveMetrics } from '../../adapters/metrics.js';
import { monitoringError } from '../../monitoring/errors.js';
import { createMonitoring } from '../../monitoring/start-monitoring.js';
import { loadPlant } from '../../producers/plant/load-plant.js';
import type { CliContext } from '../context.js';

export function registerMonitor(program: Command, ctx: CliContext): void {
  program
    .command('monitor')
    .description('run the data-quality and drift jobs on a schedule and serve their /metrics')
    .option('--once', 'run the jobs once, print a summary and exit')
    .action(async (opts: { once?: boolean }) => {
      const config = ctx.config();
      const logger = ctx.logger();
      const plant = await loadPlant(config.producers.plantFile);
      const ch = await createClickHouse(config, logger);
      const registry = createMetricsRegistry();
      let server: Server | undefined;
      try {
        if (opts.once) {
          const monitoring = createMonitoring({ ch, config, logger, registry, plant }, { schedule: false });
          const run = await monitoring.runOnce();
          const stale = run.quality?.findings.filter((f) => f.kind === 'stale_asset' && f.firing).length ?? 0;
          const drifted = run.drift?.filter((d) => d.drifted).length ?? 0;
          ctx.out.write(
            `data quality: ${run.quality ? `${run.quality.rows.length} measures, ${stale} stale assets` : 'failed'}\n` +
              `drift: ${run.drift ? `${run.drift.length} measures, ${drifted} drifted` : 'failed'}\n` +
              `alerts: ${run.alerts.filter((a) => a.state === 'open').length} opened, ${run.alerts.filter((a) => a.state === 'closed').length} closed\n`,
          );
          const failure = [...run.errors.values()][0];
          if (failure !== undefined) throw failure;
          return;
        }
        const { metricsHost: host, metricsPort: port } = config.monitoring;
        try {
          server = await serveMetrics(registry, host, port);
        } catch (error) {
          throw monitoringError(
            'VIGIL_MONITORING_METRICS_LISTEN_FAILED',
            { host, port, reason: (error as Error).message },
            error,
          );
        }
        logger.info({ component: 'monitor', host, port }, `serving /metrics on http://${host}:${port}/metrics`);
        const monitoring = createMonitoring({ ch, config, logger, registry, plant });
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await monitoring.stop();
      } finally {
        if (server !== undefined) await new Promise((resolve) => server?.close(resolve));
        await ch.close();
      }
    });
}
