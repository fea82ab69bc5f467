/** The training export's error catalogue (`vigil train`): ranges without data, the Python trainer, snapshots. */
import { errorCatalogue } from '../../core/errors.js';

export const trainingError = errorCatalogue({
  VIGIL_TRAINING_NO_DATA: {
    message:
      'No {stream} data of {subject} in {from} .. {to} ({detail}). Check the range and the asset type (`vigil train --help`), or ingest data first.',
    status: 404,
    retriable: false,
  },
  VIGIL_TRAINING_UNKNOWN_SUBJECT: {
    message:
      'Asset type {subject} is not in the plant catalogue and no readings of it were found, so it has no feature set. Known asset types: {known}.',
    status: 404,
    retriable: false,
  },
  VIGIL_TRAINING_PYTHON_MISSING: {
    message: 'The Python trainer is not installed ({path} is missing): run `npm run setup:python` first.',
    status: 500,
    retriable: false,
  },
  VIGIL_TRAINING_TRAINER_FAILED: {
    message: 'The Python trainer failed (exit {code}): {detail}',
    status: 500,
    retriable: false,
  },
  VIGIL_TRAINING_SNAPSHOT_FAILED: {
    message: 'Cannot write the training snapshot in {dir}: {reason}. Check the directory and free space.',
    status: 500,
    retriable: true,
  },
});
