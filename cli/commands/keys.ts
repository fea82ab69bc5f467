/**
 * `vigil keys create | list | revoke`: API keys (serving/keys). A new key is printed once and stored only as a
 * hash. With the embedded ClickHouse (no CLICKHOUSE_URL) the data directory belongs to one process: stop
 * `vigil serve` first, or share a ClickHouse server.
 */
import type { Command } from 'commander';
import { createClickHouse } from '../../adapters/clickhouse/index.js';
import { parseTime } from '../../producers/importer/values.js';
import { KeyStore } from '../../serving/keys/key-store.js';
import { isRole, ROLES } from '../../serving/permissions.js';
import type { CliContext } from '../context.js';
import { cliError } from '../errors.js';

/** `--expires 30d` (from now) or an absolute date. */
export function parseExpiry(raw: string, now: number): number {
  const relative = /^(\d+)(h|d)$/.exec(raw.trim());
  if (relative) return now + Number(relative[1]) * (relative[2] === 'h' ? 3_600_000 : 86_400_000);
  const at = parseTime(raw);
  if (at === null || at <= now) {
    throw cliError('VIGIL_CLI_USAGE', {
      detail: `--expires must be a duration such as 90d or 12h, or a future date such as 2027-01-01, got "${raw}"`,
    });
  }
  return at;
}

async function withStore<T>(ctx: CliContext, fn: (store: KeyStore) => Promise<T>): Promise<T> {
  const ch = await createClickHouse(ctx.config(), ctx.logger());
  try {
    return await fn(new KeyStore(ch, { cacheMs: 0 }));
  } finally {
    await ch.close();
  }
}

export function registerKeys(program: Command, ctx: CliContext): void {
  const keys = program.command('keys').description('create, list and revoke API keys');
  keys
    .command('create')
    .description('create a key; it is printed once and stored only as a hash')
    .requiredOption('--role <role>', `one of ${ROLES.join(', ')}`)
    .requiredOption('--name <name>', 'who or what uses the key (shown in the audit trail)')
    .option('--expires <when>', 'expiry: a duration (90d, 12h) or a date; default never')
    .action(async (opts: { role: string; name: string; expires?: string }) => {
      if (!isRole(opts.role)) {
        throw cliError('VIGIL_CLI_USAGE', { detail: `--role must be one of ${ROLES.join(', ')}, got "${opts.role}"` });
      }
      const role = opts.role;
      const expiresAt = opts.expires === undefined ? null : parseExpiry(opts.expires, Date.now());
      const created = await withStore(ctx, (store) =>
        store.create({ role, name: opts.name, createdBy: `cli:${ctx.env.USER ?? 'unknown'}`, expiresAt }),
      );
      ctx.out.write(
        `created key ${created.record.id} (role ${role}, name ${opts.name}${expiresAt ? `, expires ${new Date(expiresAt).toISOString()}` : ''})\n` +
          `\n  ${created.token}\n\nStore it now: it is shown only this once.\n`,
      );
    });
  keys
    .command('list')
    .description('list keys (never their secrets)')
    .option('--json', 'one JSON object per line')
    .action(async (opts: { json?: boolean }) => {
      const list = await withStore(ctx, (store) => store.list());
      for (const k of list) {
        const { hash: _hash, ...shown } = k;
        if (opts.json) {
          ctx.out.write(`${JSON.stringify(shown)}\n`);
          continue;
        }
        const state =
          k.revokedAt !== null ? 'revoked' : k.expiresAt !== null && k.expiresAt <= Date.now() ? 'expired' : 'active';
        ctx.out.write(
          `${k.id}  vgl_${k.prefix}_…  ${k.role.padEnd(8)} ${state.padEnd(7)} ${new Date(k.createdAt).toISOString()}  ${k.name}\n`,
        );
      }
      if (!opts.json && list.length === 0)
        ctx.out.write('no keys (`vigil serve` creates an admin key on first start)\n');
    });
  keys
    .command('revoke <id>')
    .description('revoke a key (a running server stops accepting it within VIGIL_API_KEY_CACHE)')
    .action(async (id: string) => {
      const revoked = await withStore(ctx, (store) => store.revoke(id));
      if (revoked === undefined)
        throw cliError('VIGIL_CLI_USAGE', { detail: `no API key has id ${id} (see vigil keys list)` });
      ctx.out.write(`revoked key ${id} (${revoked.name}) at ${new Date(revoked.revokedAt!).toISOString()}\n`);
    });
}
