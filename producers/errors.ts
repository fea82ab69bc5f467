import { errorCatalogue } from '../core/errors.js';

/** Errors of the producers role (documented under "Producers" in docs/errors.md). */
export const producerError = errorCatalogue({
  VIGIL_PRODUCERS_OUTPUT_FAILED: {
    message: 'Could not write {path}: {reason}. Check the directory exists, is writable and has free space.',
    status: 500,
    retriable: false,
  },
  VIGIL_PRODUCERS_PLANT_FILE: {
    message:
      'Could not read the plant description {path}: {reason}. Pass a readable JSON file with --plant or VIGIL_PLANT_FILE.',
    status: 400,
    retriable: false,
  },
  VIGIL_PRODUCERS_INPUT_FAILED: {
    message: 'Could not read {path}: {reason}. Check the path and permissions.',
    status: 400,
    retriable: false,
  },
  VIGIL_PRODUCERS_IMPORT_COLUMNS: {
    message: 'Cannot import {path}: {detail}',
    status: 400,
    retriable: false,
  },
});
