import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { withConfigTable } from '../../core/config/markdown.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it('has an up-to-date configuration table (run `npm run docs:config`)', () => {
    expect(withConfigTable(readme)).toBe(readme);
  });

  it('shows the two quick-start commands', () => {
    expect(readme).toContain('npm start');
    expect(readme).toContain('npm test');
  });
});
