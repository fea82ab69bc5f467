/**
 * One `vigil stack` command at a time per data directory (two test runs starting the stack at once must not both
 * fetch or start). The lock is a file holding the owner's pid; a lock whose owner died is taken over.
 */
import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { stackError } from './errors.js';
import { isAlive } from './processes.js';

export async function withStackLock<T>(
  lockFile: string,
  waitMs: number,
  onWait: (ownerPid: number) => void,
  work: () => Promise<T>,
): Promise<T> {
  await mkdir(dirname(lockFile), { recursive: true });
  const started = Date.now();
  let told = false;
  for (;;) {
    try {
      await writeFile(lockFile, String(process.pid), { flag: 'wx' });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let owner = Number.NaN;
    try {
      owner = Number(readFileSync(lockFile, 'utf8').trim());
    } catch {
      continue; // Released between our attempt and this read: try again.
    }
    if (!Number.isInteger(owner) || owner <= 0 || owner === process.pid || !isAlive(owner)) {
      await rm(lockFile, { force: true });
      continue;
    }
    if (Date.now() - started > waitMs) {
      throw stackError('VIGIL_STACK_BUSY', { pid: owner, dir: dirname(lockFile), waitedMs: Date.now() - started });
    }
    if (!told) onWait(owner);
    told = true;
    await new Promise((r) => setTimeout(r, 250));
  }
  try {
    return await work();
  } finally {
    await rm(lockFile, { force: true });
  }
}
