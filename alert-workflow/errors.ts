/** Error catalogue of the alert workflow (thresholds, maintenance windows, notifications, suggestions). */
import { errorCatalogue } from '../core/errors.js';

export const alertWorkflowError = errorCatalogue({
  VIGIL_ALERT_WORKFLOW_INVALID_THRESHOLD: {
    message: 'Threshold override for {level} "{target}" is invalid: {reason}',
    status: 400,
    retriable: false,
  },
  VIGIL_ALERT_WORKFLOW_INVALID_WINDOW: {
    message: 'Maintenance window for asset "{key}" is invalid: {reason}',
    status: 400,
    retriable: false,
  },
  VIGIL_ALERT_WORKFLOW_WINDOW_NOT_FOUND: {
    message: 'Maintenance window {windowId} does not exist: list the windows with `vigil maintenance list`.',
    status: 404,
    retriable: false,
  },
  VIGIL_ALERT_WORKFLOW_WEBHOOK_FAILED: {
    message: 'Webhook {url} answered {status} for alert {alertId}: the receiver refused or failed; {hint}',
    status: 502,
    retriable: true,
  },
  VIGIL_ALERT_WORKFLOW_WEBHOOK_REJECTED: {
    message:
      'Webhook {url} rejected alert {alertId} with {status}: the payload or signature is refused; check VIGIL_WEBHOOK_SECRET and the receiver.',
    status: 502,
    retriable: false,
  },
  VIGIL_ALERT_WORKFLOW_ALERT_NOT_FOUND: {
    message: 'Alert {alertId} does not exist.',
    status: 404,
    retriable: false,
  },
});
