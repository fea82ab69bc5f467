/**
 * promtool (Debian package `prometheus`) on the committed Prometheus files: config, rules, the rule unit tests,
 * and every PromQL expression of the generated dashboards and Grafana alert rules. Skipped with a message only
 * when promtool is absent outside CI; in CI (CI set) a missing promtool fails.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { GRAFANA_RULES } from '../../monitoring/grafana/alert-rules.js';
import { allDashboards } from '../../monitoring/grafana/dashboards.js';

const PROMETHEUS_DIR = fileURLToPath(new URL('../../prometheus/', import.meta.url));
const hasPromtool = spawnSync('promtool', ['--version']).status === 0;
const inCi = Boolean(process.env.CI);
if (!hasPromtool && !inCi) {
  console.warn('monitoring-prometheus: promtool not found, skipping (apt-get install -y prometheus; CI installs it)');
}

function promtool(...args: string[]): string {
  const result = spawnSync('promtool', args, { cwd: PROMETHEUS_DIR, encoding: 'utf8' });
  const output = `${result.stdout}${result.stderr}`;
  if (result.status !== 0) throw new Error(`promtool ${args.join(' ')} failed (${result.status}):\n${output}`);
  return output;
}

/** Dashboard expressions with Grafana's variables replaced by what Grafana would send. */
function dashboardExpressions(): { where: string; expr: string }[] {
  const out: { where: string; expr: string }[] = [];
  for (const { dashboard } of allDashboards()) {
    for (const panel of dashboard.panels ?? []) {
      const p = panel as { title?: string; targets?: { expr?: string }[] };
      for (const t of p.targets ?? []) {
        if (t.expr) out.push({ where: `${dashboard.title} / ${p.title}`, expr: t.expr });
      }
    }
  }
  for (const rule of GRAFANA_RULES)
    if ('expr' in rule.query) out.push({ where: `alert ${rule.title}`, expr: rule.query.expr });
  return out.map(({ where, expr }) => ({
    where,
    expr: expr.replaceAll('$__rate_interval', '5m').replaceAll('$model', 'sensors-pump'),
  }));
}

describe.skipIf(!hasPromtool && !inCi)('Prometheus files (promtool)', () => {
  it('has promtool (CI installs the Debian prometheus package)', () => {
    expect(execFileSync('promtool', ['--version'], { encoding: 'utf8' })).toMatch(/promtool, version/);
  });

  it('validates the scrape config with its rule files', () => {
    expect(promtool('check', 'config', 'prometheus.yml')).toMatch(/SUCCESS: prometheus.yml is valid/);
  });

  it('validates the recording and alert rules', () => {
    const out = promtool('check', 'rules', 'rules/vigil-recording.yml', 'rules/vigil-alerts.yml');
    expect(out).toMatch(/SUCCESS: 8 rules found/);
    expect(out).toMatch(/SUCCESS: 11 rules found/);
  });

  it('passes the rule unit tests, and every alert has one', () => {
    expect(promtool('test', 'rules', 'tests/vigil-alerts.test.yml')).toMatch(/SUCCESS/);
    const rules = readFileSync(join(PROMETHEUS_DIR, 'rules/vigil-alerts.yml'), 'utf8');
    const tests = readFileSync(join(PROMETHEUS_DIR, 'tests/vigil-alerts.test.yml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]!);
    expect(alerts.length).toBe(11);
    expect(alerts.filter((a) => !new RegExp(`alertname: ${a}\\n`).test(tests))).toEqual([]);
  });

  it('scrapes every role on the ports of docs/metrics.md', () => {
    const config = readFileSync(join(PROMETHEUS_DIR, 'prometheus.yml'), 'utf8');
    for (const target of ['api:8080', 'processor:9464', 'monitor:9465']) expect(config).toContain(`"${target}"`);
  });

  it('parses every PromQL expression of the dashboards and Grafana alert rules', () => {
    const expressions = dashboardExpressions();
    expect(expressions.length).toBeGreaterThan(15);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-promql-'));
    try {
      const file = join(dir, 'dashboards.yml');
      const rules = expressions.map(
        ({ expr }, i) => `      - record: vigil_dashboard_check_${i}\n        expr: ${JSON.stringify(expr)}`,
      );
      writeFileSync(file, `groups:\n  - name: dashboard-expressions\n    rules:\n${rules.join('\n')}\n`);
      expect(promtool('check', 'rules', file)).toMatch(new RegExp(`SUCCESS: ${expressions.length} rules found`));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a broken expression (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-promql-'));
    try {
      const file = join(dir, 'bad.yml');
      writeFileSync(
        file,
        'groups:\n  - name: bad\n    rules:\n      - record: bad\n        expr: "sum by (stream (x)"\n',
      );
      expect(() => promtool('check', 'rules', file)).toThrow(/failed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
