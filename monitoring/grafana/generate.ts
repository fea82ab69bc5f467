/**
 * `npm run dashboards`: writes the generated dashboards to grafana/dashboards/ and the alerting provisioning to
 * grafana/provisioning/alerting/. The committed files must equal what this writes (tests/unit/monitoring-grafana.test.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { ALERTING_FILE, alertingJson, allDashboards, dashboardJson } from './dashboards.js';

const ROOT = new URL('../../grafana/', import.meta.url);

mkdirSync(new URL('dashboards/', ROOT), { recursive: true });
for (const { file, dashboard } of allDashboards()) {
  writeFileSync(new URL(`dashboards/${file}`, ROOT), dashboardJson(dashboard));
  process.stdout.write(`wrote grafana/dashboards/${file}\n`);
}
mkdirSync(new URL('provisioning/alerting/', ROOT), { recursive: true });
writeFileSync(new URL(ALERTING_FILE, ROOT), alertingJson());
process.stdout.write(`wrote grafana/${ALERTING_FILE}\n`);
