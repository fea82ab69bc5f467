// Turns the Kubernetes JSON schemas shipped in the PyPI package kubernetes-validate (one file per kind, each
// `$ref`-ing a shared `/api/_definitions.json`) into standalone schemas that kubeconform can load offline: every
// definition a kind needs is copied into the kind's own `$defs` and the refs point there. kubeconform's own schema
// source is a GitHub repository, which this project's machines cannot reach (only package registries).
//
//   node deploy/tools/k8s-schemas.mjs <extracted .../v1.33.0-local-strict> <out dir>
// writes <out>/<kind>-<group>-<version>.json, the layout of kubeconform's `{{ .ResourceKind }}{{ .KindSuffix }}.json`.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const [source, out] = process.argv.slice(2);
if (!source || !out) {
  process.stderr.write('usage: node deploy/tools/k8s-schemas.mjs <schema dir> <out dir>\n');
  process.exit(2);
}
const definitions = JSON.parse(readFileSync(join(source, '_definitions.json'), 'utf8')).$defs;
const REF = /^(?:\/api\/_definitions\.json)?#\/\$defs\/(.+)$/;

/** Rewrites refs in place and returns the definition names they point to. */
function localise(node, found) {
  if (Array.isArray(node)) {
    for (const item of node) localise(item, found);
  } else if (node && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      const match = key === '$ref' && typeof value === 'string' ? REF.exec(value) : null;
      if (match) {
        found.add(match[1]);
        node.$ref = `#/$defs/${match[1]}`;
      } else {
        localise(value, found);
      }
    }
  }
}

mkdirSync(out, { recursive: true });
let written = 0;
for (const file of readdirSync(source)) {
  if (!file.endsWith('.json') || file.startsWith('_')) continue;
  const schema = JSON.parse(readFileSync(join(source, file), 'utf8'));
  const needed = new Set();
  localise(schema, needed);
  const defs = {};
  const queue = [...needed];
  while (queue.length > 0) {
    const name = queue.pop();
    if (name in defs) continue;
    const def = structuredClone(definitions[name]);
    if (def === undefined) throw new Error(`${file}: unknown definition ${name}`);
    const more = new Set();
    localise(def, more);
    defs[name] = def;
    queue.push(...more);
  }
  writeFileSync(join(out, file), JSON.stringify({ ...schema, $defs: defs }));
  written++;
}
process.stdout.write(`${written} standalone schemas in ${out}\n`);
