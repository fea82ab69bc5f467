/**
 * Disk full on the data directory: the embedded ClickHouse lives on a small tmpfs mounted by the test
 * (`mount -t tmpfs`: root with CAP_SYS_ADMIN), a processor runs in process, and once the stream is moving a
 * filler file takes every free byte. The stream must pause with a clear error (inserts retried, nothing
 * dead-lettered, the pause metric at 1), and once the filler is deleted resume by itself with nothing lost or
 * doubled: the delivery audit, and what queries see equal to a clean run over the same topic.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyMigrations, type ClickHouse, createClickHouse } from '../../adapters/clickhouse/index.js';
import { createLogger } from '../../adapters/logger.js';
import { configWith } from '../../core/config/index.js';
import { topicsFromConfig } from '../../core/topics.js';
import { freshKafkaEnv, uniqueName } from '../helpers/kafka.js';
import { waitCaughtUp } from '../helpers/processor.js';
import { waitFor } from '../helpers/wait.js';
import {
  auditAll,
  expectDeliveredOnce,
  expectSameAsClean,
  fingerprint,
  publishPlant,
  reportFigures,
  sensorProcessor,
  silent,
} from './harness.js';

const SIZE_MB = Number(process.env.VIGIL_DISK_FULL_SIZE_MB ?? 64);
/** How long the disk stays full at least, ms (the pause is asserted either way). */
const OUTAGE_MS = Number(process.env.VIGIL_RELIABILITY_OUTAGE_MS ?? 20_000);

const mountPoint = mkdtempSync(join(tmpdir(), 'vigil-disk-full-'));
let mounted = false;
let ch: ClickHouse | undefined;

beforeAll(() => {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${SIZE_MB}m`, 'vigil-disk-full', mountPoint], {
      stdio: 'pipe',
    });
    mounted = true;
  } catch (error) {
    const detail = (error as { stderr?: Buffer }).stderr?.toString().trim() || String(error);
    throw new Error(
      `DISK-FULL TEST NOT RUN: mounting a ${SIZE_MB} MB tmpfs on ${mountPoint} was refused (${detail}). ` +
        'This test needs root with CAP_SYS_ADMIN (a container started with --cap-add SYS_ADMIN or --privileged) ' +
        'to give the data directory a small filesystem of its own; it does not fill the real disk instead.',
    );
  }
});

afterAll(async () => {
  await ch?.close();
  if (mounted) execFileSync('umount', [mountPoint]);
  rmSync(mountPoint, { recursive: true, force: true });
});

/** Writes zeros to `path` until the filesystem refuses even one byte (ENOSPC); returns the bytes written. */
function fillDisk(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 1 << 14, 1 << 9, 1]) {
      const chunk = Buffer.alloc(size);
      for (;;) {
        try {
          written += writeSync(fd, chunk);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
          throw error;
        }
      }
    }
    return written;
  } finally {
    closeSync(fd);
  }
}

describe('disk full on the data directory', () => {
  it('pauses with a clear error, resumes once space is freed, loses and doubles nothing', async () => {
    const lines: string[] = [];
    const capture = new Writable({
      write(chunk, _encoding, done) {
        lines.push(...String(chunk).split('\n').filter(Boolean));
        done();
      },
    });
    const logger = createLogger('warn', capture);
    const open = async (database: string) => {
      const c = await createClickHouse(
        configWith({ VIGIL_DATA_DIR: mountPoint, CLICKHOUSE_DATABASE: database }),
        silent,
        {
          createDatabase: true,
        },
      );
      await applyMigrations(c, silent);
      return c;
    };
    // One embedded engine per process, bound to its directory: both databases live on the small filesystem.
    ch = await open('faulted');
    const { config } = await freshKafkaEnv({
      VIGIL_DATA_DIR: mountPoint,
      CLICKHOUSE_DATABASE: 'faulted',
      VIGIL_PROCESSOR_MAX_BATCH_BYTES: '16384',
      VIGIL_PROCESSOR_SESSION_TIMEOUT: '6s',
    });
    const topic = topicsFromConfig(config).sensorReadings.name;
    const run = await publishPlant(config, { minutes: 16, assets: 4, seed: 71 });

    const group = uniqueName('disk-full');
    const p = sensorProcessor(config, ch, group, logger);
    await p.processor.start();
    const faulted = ch;
    await waitFor(async () => Number((await faulted.query('SELECT count() AS n FROM sensor_readings'))[0]?.n) > 0, {
      description: 'the first rows',
      timeoutMs: 120_000,
    });
    const deadLettersBefore = Number((await faulted.query('SELECT count() AS n FROM dead_letters'))[0]?.n);
    const filler = join(mountPoint, 'filler');
    const filledBytes = fillDisk(filler);
    const fullAt = Date.now();
    const pauses = () => lines.filter((l) => l.includes('transient failure; pausing and retrying'));
    await waitFor(async () => (await p.paused()) === 1 && pauses().length >= 3 && Date.now() - fullAt >= OUTAGE_MS, {
      description: 'the processor to pause on the full disk',
      timeoutMs: 180_000 + OUTAGE_MS,
      intervalMs: 50,
    }).catch((error: Error) => {
      throw new Error(`${error.message}; the processor's last log lines:\n${lines.slice(-5).join('\n')}`);
    });
    // Checked while still full: retried, never turned into dead letters.
    const deadLettersDuring = Number((await faulted.query('SELECT count() AS n FROM dead_letters'))[0]?.n);
    const sample = pauses()[0] ?? '';
    process.stderr.write(`[disk-full] first pause log line: ${sample}\n`);
    expect(sample).toMatch(/VIGIL_CLICKHOUSE_DISK_FULL.*free space/);

    unlinkSync(filler);
    const freedAt = Date.now();
    await waitCaughtUp(config, group, topic, 300_000);
    const recoveredMs = Date.now() - freedAt;
    expect(await p.paused()).toBe(0);
    await p.processor.stop();
    // The processor never gave up (kafkajs may log a re-join at error level when a long pause outlasts the session).
    const processorErrors = lines.filter((l) => /"level":(50|60)/.test(l) && l.includes('"component":"processor"'));
    expect(processorErrors).toEqual([]);

    const audit = await auditAll(config, faulted);
    expectDeliveredOnce(audit, run.acknowledged);
    expect(deadLettersDuring).toBe(deadLettersBefore);

    // The clean run, into another database on the same (now roomy again) filesystem.
    const reference = await open('reference');
    try {
      const refGroup = uniqueName('reference');
      const r = sensorProcessor(config, reference, refGroup);
      await r.processor.start();
      await waitCaughtUp(config, refGroup, topic, 300_000);
      await r.processor.stop();
      expectSameAsClean(await fingerprint(reference), await fingerprint(faulted));
    } finally {
      await reference.close();
    }
    reportFigures('disk-full', {
      sizeMb: SIZE_MB,
      filledBytes,
      produced: audit.totals.produced,
      lost: audit.totals.missing,
      duplicated: audit.totals.duplicated,
      fullMs: freedAt - fullAt,
      retries: pauses().length,
      recoveredMs,
    });
  });
});
