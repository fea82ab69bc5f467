import { spawnSync } from 'node:child_process';

/** The git commit of the working tree (lineage of a dataset), or null outside a git checkout. */
export function codeCommit(cwd = process.cwd()): string | null {
  const result = spawnSync('git', ['rev-parse', 'HEAD'], { cwd, encoding: 'utf8' });
  if (result.status !== 0) return null;
  const commit = result.stdout.trim();
  return /^[0-9a-f]{40}$/.test(commit) ? commit : null;
}
