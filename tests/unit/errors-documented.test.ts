import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { registeredErrorCodes } from '../../core/errors.js';

const ROOT = new URL('../../', import.meta.url);

async function loadAllCatalogues(): Promise<string[]> {
  const codeDirs = [
    'core',
    'adapters',
    'cli',
    'stack',
    'producers',
    'stream-processors',
    'serving',
    'replay',
    'evaluation',
    'delivery-audit',
    'alert-workflow',
  ];
  const files = codeDirs
    .filter((dir) => existsSync(new URL(dir, ROOT)))
    .flatMap((dir) =>
      readdirSync(new URL(dir, ROOT), { recursive: true, encoding: 'utf8' })
        .filter((file) => file === 'errors.ts' || file.endsWith('/errors.ts'))
        .map((file) => `${dir}/${file}`),
    );
  for (const file of files) await import(new URL(file, ROOT).href);
  return files;
}

describe('error catalogue', () => {
  it('documents every error code in docs/errors.md', async () => {
    const files = await loadAllCatalogues();
    expect(files.length).toBeGreaterThan(0);
    const docs = readFileSync(new URL('docs/errors.md', ROOT), 'utf8');
    const undocumented = [...registeredErrorCodes().keys()].filter((code) => !docs.includes(`| ${code} |`));
    expect(undocumented).toEqual([]);
  });

  it('gives every code an actionable message and a valid HTTP status', async () => {
    await loadAllCatalogues();
    for (const [code, spec] of registeredErrorCodes()) {
      expect(spec.message.length, code).toBeGreaterThan(5);
      expect(spec.status, code).toBeGreaterThanOrEqual(400);
      expect(spec.status, code).toBeLessThan(600);
    }
  });
});
