/** Integration helpers for stream processors: run one as a child process, wait until a group has caught up. */
import { type ChildProcess, spawn } from 'node:child_process';
import { createKafkaClient } from '../../adapters/kafka/client.js';
import { createLogger } from '../../adapters/logger.js';
import type { Config } from '../../core/config/index.js';
import { waitFor } from './wait.js';

/** Starts `vigil <args>` as a child process with `env` on top of this process's environment. */
export function spawnVigil(args: string[], env: Record<string, string>): ChildProcess & { output: () => string } {
  const child = spawn(process.execPath, ['bin/vigil.js', ...args], {
    env: { ...process.env, CI: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    output += chunk;
  });
  return Object.assign(child, { output: () => output });
}

export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)));
}

/** Committed offsets of `group` on `topic`, per partition (-1 when none). */
export async function committedOffsets(config: Config, group: string, topic: string): Promise<Map<number, bigint>> {
  const admin = createKafkaClient(config, createLogger('silent'), { clientIdSuffix: 'test' }).admin();
  await admin.connect();
  try {
    const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

/**
 * Resolves when `group` has committed every record of `topic`. The default timeout is below the integration tests'
 * own (120 s), so that a stalled group fails with the offsets it reached rather than with a bare test timeout.
 */
export async function waitCaughtUp(config: Config, group: string, topic: string, timeoutMs = 90_000): Promise<void> {
  const admin = createKafkaClient(config, createLogger('silent'), { clientIdSuffix: 'test' }).admin();
  await admin.connect();
  try {
    await waitFor(
      async () => {
        const high = await admin.fetchTopicOffsets(topic);
        const [entry] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const committed = new Map((entry?.partitions ?? []).map((p) => [p.partition, BigInt(p.offset)]));
        const behind = high.filter((p) => BigInt(p.high) !== 0n && committed.get(p.partition) !== BigInt(p.high));
        if (behind.length === 0) return true;
        // Thrown, so that a timeout says how far the group got.
        throw new Error(
          `committed ${behind.map((p) => `partition ${p.partition}: ${committed.get(p.partition) ?? 'none'} of ${p.high}`).join(', ')}`,
        );
      },
      { description: `group ${group} to commit every record of ${topic}`, timeoutMs, intervalMs: 250 },
    );
  } finally {
    await admin.disconnect();
  }
}
