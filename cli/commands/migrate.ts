/**
 * `vigil migrate`: brings external state to what this version of Vigil expects, as an ordered list of steps.
 * Steps: `clickhouse` (numbered SQL files of clickhouse/), `topics` (Kafka topics of core/topics.ts), `schemas`
 * (Avro value schemas, BACKWARD); `--only <step>` runs one of them.
 * Exit 1 (with the file and reason) when a migration fails or an applied migration was edited.
 */
import type { Command } from 'commander';
import {
  applyMigrations,
  type ClickHouse,
  createClickHouse,
  localMigrations,
  migrationStatus,
} from '../../adapters/clickhouse/index.js';
import { isVigilError } from '../../core/errors.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';
import { schemasStep, topicsStep } from './migrate-steps/kafka.js';

export interface MigrateStep {
  readonly name: string;
  readonly description: string;
  /** Applies what is missing; returns the lines to print. */
  apply(ctx: CliContext): Promise<string[]>;
  /** Reports what is applied and what is pending, changing nothing; returns the lines to print. */
  status(ctx: CliContext): Promise<string[]>;
}

export const clickhouseStep: MigrateStep = {
  name: 'clickhouse',
  description: 'ClickHouse tables (clickhouse/NNNN_*.sql), recorded in schema_migrations',
  async apply(ctx) {
    const ch = await createClickHouse(ctx.config(), ctx.logger(), { createDatabase: true });
    try {
      const result = await applyMigrations(ch, ctx.logger());
      if (result.applied.length === 0) {
        return [`up to date: ${result.alreadyApplied} migrations applied in ${ch.database} (${ch.target})`];
      }
      return [
        ...result.applied.map((file) => `applied ${file}`),
        `${result.applied.length} applied, ${result.alreadyApplied} already applied, in ${ch.database} (${ch.target})`,
      ];
    } finally {
      await ch.close();
    }
  },
  async status(ctx) {
    let ch: ClickHouse;
    try {
      ch = await createClickHouse(ctx.config(), ctx.logger());
    } catch (error) {
      if (!isVigilError(error, 'VIGIL_CLICKHOUSE_NO_DATABASE')) throw error;
      const all = localMigrations();
      return [...all.map((m) => `pending  ${m.fileName}`), `${all.length} pending: ${error.message}`];
    }
    try {
      const plan = await migrationStatus(ch);
      const lines = plan.entries.map((e) =>
        e.state === 'applied' ? `applied  ${e.fileName}  ${e.appliedAt} UTC` : `pending  ${e.fileName}`,
      );
      const pending = plan.pending.length;
      lines.push(
        pending === 0
          ? `up to date in ${ch.database} (${ch.target})`
          : `${pending} pending in ${ch.database} (${ch.target}): run \`vigil migrate\``,
      );
      return lines;
    } finally {
      await ch.close();
    }
  },
};

/** In order: later steps may rely on earlier ones (schemas are registered for the topics created before). */
export const STEPS: readonly MigrateStep[] = [clickhouseStep, topicsStep, schemasStep];

export function registerMigrate(program: Command, ctx: CliContext, steps: readonly MigrateStep[] = STEPS): void {
  program
    .command('migrate')
    .description(`apply migrations: ${steps.map((s) => s.name).join(', ')} (idempotent)`)
    .option('--status', 'list applied and pending migrations without changing anything')
    .option('--only <step>', `run one step: ${steps.map((s) => s.name).join(', ')}`)
    .action(async (opts: { status?: boolean; only?: string }) => {
      const selected = opts.only === undefined ? steps : steps.filter((s) => s.name === opts.only);
      if (selected.length === 0) {
        throw cliError('VIGIL_CLI_USAGE', {
          detail: `unknown migrate step "${opts.only}"; steps: ${steps.map((s) => s.name).join(', ')}`,
        });
      }
      for (const step of selected) {
        const lines = opts.status ? await step.status(ctx) : await step.apply(ctx);
        for (const line of lines) ctx.out.write(`${step.name}: ${line}\n`);
      }
    });
}
