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

/** Folders named by COPY lines of the runtime stage (`COPY <src> ./<dst>`). */
function copiedFolders(text: string): Set<string> {
  const runtime = text.slice(text.lastIndexOf('FROM '));
  return new Set(
    [...runtime.matchAll(/^COPY (?:--chown=\S+ )?(?!--from)(\S+)/gm)].map(
      (m) => (m[1] as string).split('/')[0] as string,
    ),
  );
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

  it('copies every folder the CLI imports, the migrations, schemas, default models and the built UI', () => {
    const copied = copiedFolders(dockerfile);
    const needed = [...foldersImportedByCli(), 'bin', 'clickhouse', 'schemas', 'models'];
    expect(needed.filter((f) => !copied.has(f))).toEqual([]);
    expect(dockerfile).toMatch(/COPY --from=ui .*serving\/ui\/dist/);
    expect(readRepoFile('.dockerignore')).toMatch(/^serving\/ui\/dist$/m); // built in the image, never copied stale
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
    const copied = copiedFolders(trainingDockerfile);
    expect([...foldersImportedByCli(), 'training'].filter((f) => !copied.has(f))).toEqual([]);
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
