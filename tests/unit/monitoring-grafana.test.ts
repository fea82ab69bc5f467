import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { GRAFANA_RULES } from '../../monitoring/grafana/alert-rules.js';
import { ALERTING_FILE, alertingJson, allDashboards, dashboardJson } from '../../monitoring/grafana/dashboards.js';

const GRAFANA = new URL('../../grafana/', import.meta.url);
const metricsDoc = readFileSync(new URL('../../docs/metrics.md', import.meta.url), 'utf8');
const documented = new Set([...metricsDoc.matchAll(/^\| (vigil_[a-z_]+) \|/gm)].map((m) => m[1]!));

/** Metric names used by PromQL expressions (histogram series suffixes stripped). */
function metricsIn(expr: string): string[] {
  return [...expr.matchAll(/\b(vigil_[a-z_]+)/g)].map((m) => m[1]!.replace(/_(bucket|sum|count)$/, ''));
}

describe('generated Grafana files', () => {
  const generated = allDashboards();

  it('commits exactly what the code generates (run `npm run dashboards` after changing monitoring/grafana/)', () => {
    const committed = readdirSync(new URL('dashboards/', GRAFANA))
      .filter((f) => f.endsWith('.json'))
      .sort();
    expect(committed).toEqual(generated.map((g) => g.file).sort());
    for (const { file, dashboard } of generated) {
      expect(readFileSync(new URL(`dashboards/${file}`, GRAFANA), 'utf8'), file).toBe(dashboardJson(dashboard));
    }
    expect(readFileSync(new URL(ALERTING_FILE, GRAFANA), 'utf8')).toBe(alertingJson());
  });

  it('gives every dashboard a unique uid and every panel a query on a provisioned datasource', () => {
    const uids = generated.map((g) => g.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    const provisioned = readFileSync(new URL('provisioning/datasources/vigil.yaml', GRAFANA), 'utf8');
    for (const { dashboard } of generated) {
      for (const panel of dashboard.panels ?? []) {
        if (panel.type === 'row') continue;
        const targets = (panel as { targets?: { datasource?: { uid?: string } }[] }).targets ?? [];
        expect(targets.length, `${dashboard.title} / ${(panel as { title?: string }).title}`).toBeGreaterThan(0);
        for (const t of targets) expect(provisioned).toContain(`uid: ${t.datasource?.uid}`);
      }
    }
  });

  it('uses only metric names from docs/metrics.md', () => {
    const exprs = generated.flatMap(({ dashboard }) =>
      (dashboard.panels ?? []).flatMap((p) =>
        ((p as { targets?: { expr?: string }[] }).targets ?? []).map((t) => t.expr ?? ''),
      ),
    );
    exprs.push(...GRAFANA_RULES.flatMap((r) => ('expr' in r.query ? [r.query.expr] : [])));
    const used = new Set(exprs.flatMap(metricsIn));
    expect(used.size).toBeGreaterThan(10);
    expect([...used].filter((m) => !documented.has(m))).toEqual([]);
  });

  it('has alert rules for equipment anomalies, drift, lag, dead letters and stale data, all routed to the webhook', () => {
    const alerting = JSON.parse(alertingJson());
    const titles = alerting.groups[0].rules.map((r: { title: string }) => r.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        'Equipment anomaly (high or critical)',
        'Model drift',
        'Consumer lag',
        'Dead-letter spike',
        'Stale data',
      ]),
    );
    expect(alerting.contactPoints[0].receivers[0].type).toBe('webhook');
    expect(alerting.policies[0].receiver).toBe(alerting.contactPoints[0].name);
  });
});
