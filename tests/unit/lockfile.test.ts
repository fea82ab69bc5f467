import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

interface LockEntry {
  version?: string;
  optionalDependencies?: Record<string, string>;
}

const lock = JSON.parse(readFileSync(new URL('../../package-lock.json', import.meta.url), 'utf8')) as {
  packages: Record<string, LockEntry>;
};

// npm 11 refuses `npm ci` when an optional platform package (biome, chdb) has no lock entry. The registry this
// project installs from does not serve every platform's build, so `npm install` drops those entries without a word;
// this test catches that before CI does.
describe('package-lock.json', () => {
  it('records every optional dependency of every locked package', () => {
    const missing = Object.values(lock.packages).flatMap((entry) =>
      Object.entries(entry.optionalDependencies ?? {})
        .filter(([name]) => lock.packages[`node_modules/${name}`] === undefined)
        .map(([name, version]) => `${name}@${version}`),
    );
    expect(missing, 'restore them with `npm run lock:platforms`').toEqual([]);
  });
});
