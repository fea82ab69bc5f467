// Builds the web UI (vite) when serving/ui/dist is missing or older than its sources, so a fresh clone works
// with `npm install && npm start`, and `npm test` runs the browser tests against the current UI.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ui = dirname(fileURLToPath(import.meta.url));
const built = join(ui, 'dist', 'index.html');

function newest(path) {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
}

const sources = ['index.html', 'vite.config.js', 'src'].map((p) => join(ui, p));
const stale = !existsSync(built) || Math.max(...sources.map(newest)) > statSync(built).mtimeMs;
if (stale || process.argv.includes('--force')) {
  const vite = join(ui, '..', '..', 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    console.error('serving/ui: vite is not installed; run `npm install` (it is a dev dependency) to build the UI');
    process.exit(1);
  }
  execFileSync(process.execPath, [vite, 'build', '--config', join(ui, 'vite.config.js')], { stdio: 'inherit' });
}
