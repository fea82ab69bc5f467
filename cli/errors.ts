import { errorCatalogue } from '../core/errors.js';

export const cliError = errorCatalogue({
  VIGIL_CLI_USAGE: { message: '{detail}', status: 400, retriable: false },
});
