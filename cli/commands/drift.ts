/**
 * `vigil drift`: measures drift now (every production model, or --model) over the configured windows (or
 * --window) and prints the report, worst first. Read-only: the scheduled job (`vigil monitor`) stores results and
 * raises alerts. Exit 0 whatever the drift; 1 when there is no production model to measure against.
 */
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { durationList } from '../../core/config/parsers.js';
import { measureDrift } from '../../monitoring/drift-job.js';
import { formatDriftReport } from '../../monitoring/drift-report.js';
import { monitoringError } from '../../monitoring/errors.js';
import { readProductionModels } from '../../monitoring/production-cards.js';
import { driftSettings } from '../../monitoring/start-monitoring.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

interface DriftOptions {
  model?: string;
  window?: string;
  limit?: string;
  json?: boolean;
}

export function registerDrift(program: Command, ctx: CliContext): void {
  program
    .command('drift')
    .description('print the drift of production models against their card reference (PSI, JS), worst first')
    .option('--model <name>', 'only this model')
    .option('--window <durations>', 'windows to measure, e.g. 1h or 1h,1d (default VIGIL_DRIFT_WINDOWS)')
    .option('--limit <n>', 'print at most n lines', '40')
    .option('--json', 'print the measures as JSON lines instead of a table')
    .action(async (opts: DriftOptions) => {
      const config = ctx.config();
      const settings = driftSettings(config);
      let windowsMs = settings.windowsMs;
      if (opts.window !== undefined) {
        const parsed = durationList.safeParse(opts.window);
        if (!parsed.success) {
          throw cliError('VIGIL_CLI_USAGE', {
            detail: `--window must be durations such as 1h or 1h,1d, got "${opts.window}"`,
          });
        }
        windowsMs = parsed.data;
      }
      const limit = Number(opts.limit ?? '40');
      if (!Number.isInteger(limit) || limit < 1) {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--limit must be a positive integer, got "${opts.limit}"` });
      }
      const ch = await createClickHouse(config, ctx.logger());
      try {
        const models = await readProductionModels(ch, opts.model);
        if (models.length === 0) {
          throw monitoringError('VIGIL_MONITORING_NO_PRODUCTION_MODEL', {
            model: opts.model === undefined ? '' : ` named ${opts.model}`,
          });
        }
        const results = await measureDrift(ch, { ...settings, windowsMs }, Date.now(), models);
        if (opts.json) {
          for (const r of results) ctx.out.write(`${JSON.stringify(r)}\n`);
        } else {
          ctx.out.write(formatDriftReport(results, limit));
        }
      } finally {
        await ch.close();
      }
    });
}
