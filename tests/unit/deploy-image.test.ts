/**
 * The Dockerfiles, read as text (no Docker engine here): pinned Debian Node 20 base, production dependencies only,
 * non-root, a healthcheck whose ports are the code's defaults, and every source folder the CLI imports copied in.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { PORT_OF_ROLE, runningRole } from '../../deploy/healthcheck.mjs';
import { defaultOf, METRICS_PORT_ENV, ROOT, readRepoFile } from './deploy-recipe.js';

const root = fileURLToPath(ROOT);
const dockerfile = readRepoFile('Dockerfile');
const trainingDockerfile = readRepoFile('training/Dockerfile');

/** Top-level folders reachable through relative imports from cli/main.ts (what `vigil` loads at run time). */
function foldersImportedByCli(): Set<string> {
  const seen = new Set<string>();
  const stack = [resolve(root, 'cli/main.ts')];
  while (stack.length > 0) {
    const file = stack.pop() as string;
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(file, 'utf8');
    for (const match of source.matchAll(/(?:from|import\()\s*['"](\.{1,2}\/[^'"]+)['"]/g)) {
      const target = resolve(dirname(file), (match[1] as string).replace(/\.js$/, '.ts'));
      try {
        if (statSync(target).isFile()) stack.push(target);
      } catch {
        // a .js import of a real .js/.mjs/.json file: not TypeScript, its folder is counted below
        const asIs = resolve(dirname(file), match[1] as string);
        seen.add(asIs);
      }
    }
  }
  return new Set([...seen].map((f) => relative(root, f).split('/')[0] as string));
}

/**
 * Whether .dockerignore leaves a top-level path out of the build context. Handles the forms the file uses: a name,
 * `dir/*` with `!dir/file` exceptions, and `**` + `/name` for any depth (later lines win, as in Docker).
 */
function ignoredByDocker(path: string): boolean {
  let ignored = false;
  for (const raw of readRepoFile('.dockerignore').split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const negate = line.startsWith('!');
    const pattern = negate ? line.slice(1) : line;
    const matches =
      pattern === path ||
      path.startsWith(`${pattern}/`) ||
      (pattern.endsWith('/*') && path.startsWith(pattern.slice(0, -1))) ||
      (pattern.startsWith('**/') && path.split('/').includes(pattern.slice(3)));
    if (matches) ignored = !negate;
  }
  return ignored;
}

describe('Dockerfile (every role)', () => {
  it('builds on an exact Node 20 Debian tag (glibc: chDB and onnxruntime ship glibc binaries)', () => {
    expect(dockerfile).toMatch(/^ARG NODE_IMAGE=node:20\.\d+\.\d+-bookworm-slim$/m);
    expect(trainingDockerfile).toContain(/^ARG NODE_IMAGE=(.*)$/m.exec(dockerfile)?.[0] ?? 'missing');
  });

  it('installs production dependencies only, and tsx is one (it runs the sources)', () => {
    expect(dockerfile).toContain('npm ci --omit=dev');
    const pkg = JSON.parse(readRepoFile('package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies.tsx).toBeDefined();
    expect(readRepoFile('bin/vigil.js')).toContain("from 'tsx/esm/api'");
  });

  it('ships every folder the CLI imports, the migrations, schemas, default models and the built UI', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^COPY --chown=root:root \. \.\/$/m);
    const needed = [...foldersImportedByCli(), 'bin', 'clickhouse', 'schemas', 'models', 'deploy/healthcheck.mjs'];
    expect(needed.filter(ignoredByDocker)).toEqual([]);
    expect(runtime).toMatch(/COPY --from=ui .*serving\/ui\/dist/);
    expect(runtime).toMatch(/COPY --from=deps .*node_modules/);
    // Built in their stages, never copied stale from a developer's tree; never a secret or the git history.
    for (const path of ['serving/ui/dist', 'node_modules', 'secrets', '.env', '.git', '.vigil', 'tests']) {
      expect(ignoredByDocker(path), path).toBe(true);
    }
  });

  it('runs as the unprivileged node user with a healthcheck and the vigil entrypoint', () => {
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^HEALTHCHECK .*deploy\/healthcheck\.mjs/m);
    expect(runtime).toContain('ENTRYPOINT ["node", "bin/vigil.js"]');
    expect(trainingDockerfile).toMatch(/^USER node$/m);
  });

  it('listens beyond localhost in a container (the code defaults to 127.0.0.1)', () => {
    expect(defaultOf('VIGIL_API_HOST')).toBe('127.0.0.1');
    expect(dockerfile).toContain('VIGIL_API_HOST=0.0.0.0');
    expect(dockerfile).toContain('VIGIL_MONITOR_METRICS_HOST=0.0.0.0');
  });

  it('keeps the training image on the lock file of training/ and the same CLI', () => {
    expect(trainingDockerfile).toContain('bash training/setup.sh');
    expect(trainingDockerfile).toContain('ENTRYPOINT ["node", "bin/vigil.js"]');
    expect(trainingDockerfile).toMatch(/^COPY \. \.\/$/m);
    expect(['training', 'training/requirements.lock', 'training/setup.sh'].filter(ignoredByDocker)).toEqual([]);
  });
});

describe('deploy/healthcheck.mjs', () => {
  it('probes each role on the port variable and default the code uses', () => {
    for (const [role, { env, fallback }] of Object.entries(PORT_OF_ROLE)) {
      expect(env, role).toBe(METRICS_PORT_ENV[role]);
      expect(fallback, role).toBe(defaultOf(env));
    }
  });

  it('finds the role of the running vigil process from /proc', () => {
    const proc = mkdtempSync(join(tmpdir(), 'vigil-proc-'));
    const fakeProcess = (pid: string, argv: string[]) => {
      mkdirSync(join(proc, pid));
      writeFileSync(join(proc, pid, 'cmdline'), `${argv.join('\0')}\0`);
    };
    try {
      expect(runningRole(proc)).toBeUndefined();
      fakeProcess('1', ['/sbin/docker-init', '--', 'node', 'bin/vigil.js', 'process', '--stream', 'sensors']);
      fakeProcess('7', ['node', '/app/deploy/healthcheck.mjs']);
      expect(runningRole(proc)).toBe('process');
    } finally {
      rmSync(proc, { recursive: true, force: true });
    }
  });
});
