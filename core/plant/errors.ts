import { errorCatalogue } from '../errors.js';

/** Errors of the plant catalogue (documented under "Producers" in docs/errors.md). */
export const plantError = errorCatalogue({
  VIGIL_PLANT_INVALID: {
    message: 'Plant description {source} is invalid:\n{problems}',
    status: 400,
    retriable: false,
  },
});
