/** Error catalogue of the feature engine (feature set declarations, events, state snapshots). */
import { errorCatalogue } from '../errors.js';

export const featuresError = errorCatalogue({
  VIGIL_FEATURES_INVALID_SET: {
    message: 'Feature set "{name}" is invalid:\n{problems}',
    status: 400,
    retriable: false,
  },
  VIGIL_FEATURES_BAD_EVENT: {
    message:
      'Event {eventId} of key {key} cannot enter the feature engine: {reason}. The processor must dead-letter such events before the engine.',
    status: 400,
    retriable: false,
  },
  VIGIL_FEATURES_SNAPSHOT_INVALID: {
    message:
      'Feature state snapshot of key {key} cannot be restored: {reason}. Rebuild the state by replaying the key instead.',
    status: 500,
    retriable: false,
  },
});
