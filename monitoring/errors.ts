import { errorCatalogue } from '../core/errors.js';

/** Errors of the monitor role (data-quality and drift jobs, `vigil drift`, `vigil monitor`). */
export const monitoringError = errorCatalogue({
  VIGIL_MONITORING_NO_PRODUCTION_MODEL: {
    message:
      'No production model{model} in model_versions: drift is measured against the production version card. Promote a version (`vigil models promote`) or check CLICKHOUSE_DATABASE.',
    status: 404,
    retriable: false,
  },
  VIGIL_MONITORING_JOB_FAILED: {
    message: 'Monitoring job {job} failed: {reason}. The next scheduled run tries again.',
    status: 503,
    retriable: true,
  },
  VIGIL_MONITORING_METRICS_LISTEN_FAILED: {
    message:
      'The monitor cannot serve /metrics on {host}:{port}: {reason}. Set VIGIL_MONITOR_METRICS_PORT to a free port (or stop what holds it).',
    status: 500,
    retriable: false,
  },
});
