/**
 * The GitHub Actions workflows: actionlint (built from the Go module proxy by deploy/tools/install.sh; it runs
 * shellcheck on every `run:` script when shellcheck is installed), and the shape the issue asks for: CI runs
 * every tier and builds the images, release publishes on tags, the model workflow promotes only behind a
 * protected environment.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ROOT, readRepoFile } from './deploy-recipe.js';

const root = fileURLToPath(ROOT);
const actionlint = `${root}.vigil/tools/actionlint`;

interface Step {
  run?: string;
  uses?: string;
  with?: Record<string, unknown>;
}
interface Job {
  needs?: string | string[];
  environment?: string | { name: string };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, Job>;
}

const workflow = (name: string) => parse(readRepoFile(`.github/workflows/${name}`)) as Workflow;
const runs = (job: Job | undefined) => (job?.steps ?? []).map((s) => s.run ?? '').join('\n');

describe('.github/workflows', () => {
  it.skipIf(!existsSync(actionlint))('pass actionlint (needs bash deploy/tools/install.sh)', () => {
    const files = readdirSync(new URL('.github/workflows/', ROOT)).filter((f) => f.endsWith('.yml'));
    expect(files).toEqual(expect.arrayContaining(['ci.yml', 'release.yml', 'model.yml']));
    const run = spawnSync(actionlint, ['-config-file', '.github/actionlint.yaml'], { cwd: root, encoding: 'utf8' });
    expect(run.stdout + run.stderr).toBe('');
    expect(run.status).toBe(0);
  });

  it('CI runs lint, types, unit, Python, integration and browser tests, and builds both images', () => {
    const ci = workflow('ci.yml');
    const all = Object.values(ci.jobs).map(runs).join('\n');
    for (const command of [
      'npm run lint',
      'npm run typecheck',
      'npm run test:unit',
      'npm run test:python',
      'npm run test:integration',
      'npm run test:e2e',
    ]) {
      expect(all).toContain(command);
    }
    const builds = Object.values(ci.jobs)
      .flatMap((j) => j.steps)
      .filter((s) => s.uses?.startsWith('docker/build-push-action'))
      .map((s) => s.with?.file);
    expect(builds).toEqual(expect.arrayContaining(['Dockerfile', 'training/Dockerfile']));
    expect(ci.on).toHaveProperty('pull_request');
  });

  it('release pushes both images on version tags only, after checking the tag is the package version', () => {
    const release = workflow('release.yml');
    expect(Object.keys(release.on)).toEqual(['push']);
    expect(release.on.push).toEqual({ tags: ['v*.*.*'] });
    const job = release.jobs.images;
    expect(runs(job)).toContain("require('./package.json').version");
    expect(job?.steps.find((s) => s.uses?.startsWith('docker/build-push-action'))?.with?.push).toBe(true);
  });

  it('model: train -> evaluate (gate) -> register as shadow -> promote only in a protected environment', () => {
    const model = workflow('model.yml');
    expect(Object.keys(model.on)).toEqual(['workflow_dispatch']);
    const { train, evaluate, 'register-shadow': shadow, promote } = model.jobs;
    expect(runs(train)).toContain('bin/vigil.js train');
    expect(evaluate?.needs).toBe('train');
    expect(runs(evaluate)).toContain('evaluate --simulate');
    expect(runs(evaluate)).toContain('--check');
    expect(shadow?.needs).toBe('evaluate');
    expect(runs(shadow)).toContain('models register');
    expect(runs(shadow)).toContain('/shadow');
    expect(promote?.needs).toBe('register-shadow');
    expect(promote?.environment).toBe('production-models');
    expect(runs(promote)).toContain('/promote');
    // Only the approved job promotes.
    for (const [name, job] of Object.entries(model.jobs)) {
      if (name !== 'promote') expect(runs(job), name).not.toMatch(/\/promote|models promote/);
    }
  });
});
