/**
 * `vigil models list | show | register | promote | shadow | rollback | archive | compare | history | bootstrap`:
 * the model registry from the command line (registry/). Every change is recorded with its actor (`--actor`, else
 * the OS user) and announced on the model-control topic; refusals (unknown version, illegal transition, corrupt
 * ONNX, card/file hash mismatch, contract mismatch, regression) exit 1 with the registry's message.
 */
import { userInfo } from 'node:os';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createRegistryClient } from '../../adapters/registry/client.js';
import { isModelVersionState, MODEL_VERSION_STATES } from '../../core/model/lifecycle.js';
import type { ModelChangeEvent, ModelVersionInfo } from '../../core/model/registry.js';
import { topicsFromConfig } from '../../core/topics.js';
import {
  bootstrapDefaultModels,
  type ClickHouseModelRegistry,
  compareShadow,
  kafkaAnnouncer,
  openModelRegistry,
  registryError,
} from '../../registry/index.js';
import { knownAssetTypes } from '../asset-types.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

export interface OpenedRegistry {
  readonly registry: ClickHouseModelRegistry;
  readonly ch: ClickHouse;
  close(): Promise<void>;
}

/** The registry for one CLI command; Kafka is only contacted when a change is announced. */
export async function openRegistryFromContext(ctx: CliContext): Promise<OpenedRegistry> {
  const config = ctx.config();
  const logger = ctx.logger();
  const ch = await createClickHouse(config, logger);
  const kafka = createKafkaClient(config, logger, { clientIdSuffix: 'models' });
  const schemaRegistry = createRegistryClient(config);
  const announcer = kafkaAnnouncer({
    kafka,
    topic: topicsFromConfig(config).modelControl,
    schemaRegistry,
    brokers: config.kafka.brokers,
    logger,
  });
  const assetTypes = await knownAssetTypes(ctx, ch);
  const registry = openModelRegistry({
    ch,
    kafka,
    schemaRegistry,
    config,
    logger,
    announcer,
    channelNamesOf: (t) => assetTypes.channelNames(t),
  });
  return {
    registry,
    ch,
    async close() {
      try {
        await announcer.close();
      } finally {
        await ch.close();
      }
    },
  };
}

export function actorOf(o: { actor?: string }): string {
  if (o.actor?.trim()) return o.actor.trim();
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

async function withRegistry<T>(ctx: CliContext, fn: (r: OpenedRegistry) => Promise<T>): Promise<T> {
  const opened = await openRegistryFromContext(ctx);
  try {
    return await fn(opened);
  } finally {
    await opened.close();
  }
}

function iso(ms: number | null | undefined): string {
  return ms === null || ms === undefined ? '-' : new Date(ms).toISOString();
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return `${rows
    .map((r) =>
      r
        .map((cell, c) => cell.padEnd(widths[c]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n`;
}

function summary(v: ModelVersionInfo) {
  return {
    name: v.name,
    version: v.version,
    state: v.state,
    stream: v.stream,
    assetType: v.assetType,
    algorithm: v.card.algorithm,
    threshold: v.card.threshold,
    f1: v.card.metrics.overall.f1,
    onnxSha256: v.onnxSha256,
    createdAt: iso(v.createdAt),
    createdBy: v.createdBy,
  };
}

function describeChange(e: ModelChangeEvent): string {
  const from = e.fromVersion ? ` (from ${e.fromVersion})` : '';
  return `${e.action} ${e.name} ${e.version}${from} by ${e.actor} at ${iso(e.at)}: ${e.reason}\n${e.detail ? `  gate: ${e.detail}\n` : ''}`;
}

export function registerModels(program: Command, ctx: CliContext): void {
  const models = program
    .command('models')
    .description('list, register, promote, shadow, roll back and compare model versions');
  const write = (s: string) => ctx.out.write(s);
  const json = (v: unknown) => write(`${JSON.stringify(v, null, 2)}\n`);

  models
    .command('list')
    .description('model versions and their states')
    .option('--name <name>', 'only this model')
    .option('--state <state>', `only versions in this state (${MODEL_VERSION_STATES.join(', ')})`)
    .option('--json', 'machine-readable output')
    .action(async (o) => {
      if (o.state !== undefined && !isModelVersionState(o.state)) {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--state must be one of ${MODEL_VERSION_STATES.join(', ')}` });
      }
      await withRegistry(ctx, async ({ registry }) => {
        const versions = (await registry.list({ name: o.name, state: o.state })).map(summary);
        if (o.json) return json(versions);
        if (versions.length === 0) return write('no model versions registered\n');
        write(
          table([
            ['NAME', 'VERSION', 'STATE', 'ALGORITHM', 'F1', 'CREATED', 'BY'],
            ...versions.map((v) => [v.name, v.version, v.state, v.algorithm, String(v.f1), v.createdAt, v.createdBy]),
          ]),
        );
      });
    });

  models
    .command('show <name> [version]')
    .description('one version (default: the production version) with its card summary')
    .option('--json', 'the whole card as JSON')
    .action(async (name: string, version: string | undefined, o) => {
      await withRegistry(ctx, async ({ registry }) => {
        let v: ModelVersionInfo | undefined =
          version === undefined ? await registry.production(name) : await registry.get(name, version);
        if (v === undefined) {
          const all = await registry.list({ name });
          // No production version: the newest one; no version at all: the registry's unknown-model error.
          v = all.length === 0 ? await registry.get(name, '(production)') : all[all.length - 1]!;
        }
        if (o.json) return json({ ...summary(v), dir: registry.store.dirOf(v), card: v.card });
        const c = v.card;
        write(
          `${v.name} ${v.version} [${v.state}]  ${v.stream}/${v.assetType}  ${c.algorithm}\n` +
            `  threshold ${c.threshold} (${c.thresholdRule.method})\n` +
            `  feature set ${c.featureSet.name}@${c.featureSet.version} ${c.featureSet.hash.slice(0, 12)} (${c.featureSet.features.length} features)\n` +
            `  dataset ${c.dataset.file} (${c.dataset.rows} rows, ${iso(c.dataset.timeRange.from)} .. ${iso(c.dataset.timeRange.to)}, held out from ${iso(c.dataset.trainUntil)})\n` +
            `  held-out: precision ${c.metrics.overall.precision} recall ${c.metrics.overall.recall} F1 ${c.metrics.overall.f1}, false-alert rate ${c.metrics.falseAlertRate}\n` +
            Object.entries(c.metrics.byFaultKind)
              .map(([k, m]) => `    ${k}: recall ${m.recall} (support ${m.support})\n`)
              .join('') +
            `  onnx ${v.onnxSha256} (${c.onnx.sizeBytes} bytes) in ${registry.store.dirOf(v)}\n` +
            `  trained by ${c.training.trainedBy} at ${c.training.trainedAt}, seed ${c.training.seed}, commit ${c.training.code.commit.slice(0, 12) || '-'}\n` +
            `  registered by ${v.createdBy} at ${iso(v.createdAt)}\n`,
        );
      });
    });

  models
    .command('register <dir>')
    .description('register a trained model directory (card.json + model.onnx) in state registered')
    .option('--actor <name>', 'who registers (default: the OS user)')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, o) => {
      await withRegistry(ctx, async ({ registry }) => {
        const v = await registry.register(resolve(dir), actorOf(o));
        if (o.json) return json(summary(v));
        write(`registered ${v.name} ${v.version} [${v.state}] onnx ${v.onnxSha256}\n`);
      });
    });

  const change = (
    name: string,
    description: string,
    run: (r: ClickHouseModelRegistry, args: string[], o: Record<string, unknown>) => Promise<ModelChangeEvent>,
    args: string,
    reasonRequired: boolean,
  ) => {
    const command = models.command(`${name} ${args}`).description(description);
    if (reasonRequired) command.requiredOption('--reason <text>', 'why (audited)');
    else command.option('--reason <text>', 'why (audited)');
    if (name === 'promote') command.option('--force', 'skip the no-regression gate (needs --reason; audited)');
    command
      .option('--actor <name>', 'who does it (default: the OS user)')
      .option('--json', 'machine-readable output')
      .action(async (...params: unknown[]) => {
        const command = params[params.length - 1] as Command;
        const o = command.opts();
        const positional = command.args;
        await withRegistry(ctx, async ({ registry }) => {
          const started = performance.now();
          const event = await run(registry, positional, o);
          const ms = Math.round(performance.now() - started);
          if (o.json) return json({ ...event, ms });
          write(`${describeChange(event)}  recorded and announced in ${ms} ms\n`);
        });
      });
  };

  change(
    'promote',
    'put a version in production (gates: contract, parity, no regression); the production version is archived',
    (r, [n, v], o) =>
      r.promote({ name: n!, version: v!, actor: actorOf(o), reason: String(o.reason ?? ''), force: o.force === true }),
    '<name> <version>',
    true,
  );
  change(
    'shadow',
    'score a version beside production without alerting (gates: contract, parity)',
    (r, [n, v], o) => r.shadow({ name: n!, version: v!, actor: actorOf(o), reason: String(o.reason ?? 'shadow') }),
    '<name> <version>',
    false,
  );
  change(
    'rollback',
    'back to the previous production version (from the audit trail)',
    (r, [n], o) => r.rollback({ name: n!, actor: actorOf(o), reason: String(o.reason ?? '') }),
    '<name>',
    true,
  );
  change(
    'archive',
    'retire a registered or shadow version',
    (r, [n, v], o) => r.archive({ name: n!, version: v!, actor: actorOf(o), reason: String(o.reason ?? 'archived') }),
    '<name> <version>',
    false,
  );

  models
    .command('history <name>')
    .description('every change of a model: who, when, from which version to which, why')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o) => {
      await withRegistry(ctx, async ({ registry }) => {
        const events = await registry.history(name);
        if (events.length === 0) await registry.get(name, '(any)'); // unknown model -> its error
        if (o.json) return json(events);
        write(
          table([
            ['AT', 'ACTION', 'VERSION', 'FROM', 'ACTOR', 'REASON'],
            ...events.map((e) => [iso(e.at), e.action, e.version, e.fromVersion ?? '-', e.actor, e.reason]),
          ]),
        );
      });
    });

  models
    .command('compare <name>')
    .description('production vs shadow on the same events: flag agreement, score correlation, anomaly counts')
    .option('--since <time>', 'only events from this time (ISO 8601 or epoch ms)')
    .option('--json', 'machine-readable output')
    .action(async (name: string, o) => {
      const since = o.since === undefined ? undefined : /^\d+$/.test(o.since) ? Number(o.since) : Date.parse(o.since);
      if (since !== undefined && !Number.isFinite(since)) {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--since must be ISO 8601 or epoch ms, got "${o.since}"` });
      }
      await withRegistry(ctx, async ({ registry, ch }) => {
        const shadow = await registry.shadowVersion(name);
        if (shadow === undefined) {
          if ((await registry.list({ name })).length === 0) await registry.get(name, '(any)');
          throw registryError('VIGIL_MODELS_NO_SHADOW', { name, role: 'shadow' });
        }
        const c = await compareShadow(ch, name, shadow.version, since);
        if (o.json) return json(c);
        const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(2)}%`);
        write(
          `${name}: shadow ${c.shadowVersion} vs production ${c.productionVersions.join(', ') || '-'}\n` +
            `  events scored by both: ${c.events} (${iso(c.from)} .. ${iso(c.to)})\n` +
            `  anomaly flag agreement: ${pct(c.agreement)}\n` +
            `  score correlation: ${c.scoreCorrelation === null ? '-' : c.scoreCorrelation.toFixed(4)}\n` +
            `  anomalies: production ${c.productionAnomalies}, shadow ${c.shadowAnomalies}, both ${c.bothAnomalies}\n`,
        );
      });
    });

  models
    .command('bootstrap')
    .description('register the committed default models and promote each where its name has no production version')
    .option('--dir <dir>', 'directory of default models, one folder per model', 'models')
    .option('--actor <name>', 'who does it (default: the OS user)')
    .action(async (o) => {
      await withRegistry(ctx, async ({ registry }) => {
        for (const r of await bootstrapDefaultModels(registry, resolve(o.dir), actorOf(o))) {
          write(`${r.name} ${r.version}: ${r.outcome === 'promoted' ? 'promoted to production' : 'production kept'}\n`);
        }
      });
    });
}
