/** Error catalogue of the alert policy. */
import { errorCatalogue } from '../errors.js';

export const alertsError = errorCatalogue({
  VIGIL_ALERTS_INVALID_POLICY: {
    message: 'Alert policy "{name}" is invalid:\n{problems}',
    status: 400,
    retriable: false,
  },
  VIGIL_ALERTS_SNAPSHOT_INVALID: {
    message:
      'Alert state snapshot of key {key} cannot be restored: {reason}. Start the key from an empty state instead.',
    status: 500,
    retriable: false,
  },
});
