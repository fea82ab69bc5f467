// Restores the lock entries of optional platform packages (e.g. @biomejs/cli-darwin-arm64, @chdb/lib-darwin-x64)
// that `npm install` drops when the registry in use does not serve them. npm 11's `npm ci` refuses a lock file
// without them; with them, it skips each one whose os/cpu/libc does not match the machine.
// Usage: node scripts/lock-platforms.mjs   (after any `npm install` that changed package-lock.json)
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(lockPath, 'utf8'));

/** Platform from the package's name suffix, the convention these packages follow: <os>-<cpu>[-<libc>]. */
function platformOf(name) {
  const [os, cpu, libc] = name
    .split('/')
    .pop()
    .replace(/^(cli|lib)-/, '')
    .split('-');
  const libcName = libc === 'musl' ? 'musl' : os === 'linux' ? 'glibc' : undefined;
  return { cpu: [cpu], ...(libcName ? { libc: [libcName] } : {}), optional: true, os: [os] };
}

const restored = [];
for (const entry of Object.values(lock.packages)) {
  for (const [name, version] of Object.entries(entry.optionalDependencies ?? {})) {
    const key = `node_modules/${name}`;
    if (lock.packages[key]) continue;
    lock.packages[key] = { version, ...(entry.dev ? { dev: true } : {}), ...platformOf(name) };
    restored.push(`${name}@${version}`);
  }
}
const [root, ...rest] = Object.entries(lock.packages);
lock.packages = Object.fromEntries([root, ...rest.sort(([a], [b]) => a.localeCompare(b))]);
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
console.log(restored.length ? `restored ${restored.length}: ${restored.join(', ')}` : 'nothing to restore');
