/** Every generated dashboard with the file it is committed as (grafana/dashboards/<file>). */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard';
import { alertingProvisioning } from './alert-rules.js';
import { alertQuality, modelAndDrift, orders } from './model-dashboards.js';
import { pipelineHealth } from './pipeline-health.js';
import { assetDrillDown, plantOverview } from './plant-dashboards.js';

export interface GeneratedDashboard {
  readonly file: string;
  readonly dashboard: Dashboard;
}

export function allDashboards(): GeneratedDashboard[] {
  return [
    { file: 'pipeline-health.json', dashboard: pipelineHealth().build() },
    { file: 'plant-overview.json', dashboard: plantOverview().build() },
    { file: 'asset-drill-down.json', dashboard: assetDrillDown().build() },
    { file: 'model-and-drift.json', dashboard: modelAndDrift().build() },
    { file: 'orders.json', dashboard: orders().build() },
    { file: 'alert-quality.json', dashboard: alertQuality().build() },
  ];
}

/** The exact text committed: 2-space JSON with a final newline (the unit test compares byte for byte). */
export function dashboardJson(d: Dashboard): string {
  return `${JSON.stringify(d, null, 2)}\n`;
}

/** The Grafana alerting provisioning file (rules, contact point, policy), relative to grafana/. */
export const ALERTING_FILE = 'provisioning/alerting/vigil-alerting.json';

export function alertingJson(): string {
  return `${JSON.stringify(alertingProvisioning(), null, 2)}\n`;
}
