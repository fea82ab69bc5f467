import { errorCatalogue } from '../core/errors.js';

export const cliError = errorCatalogue({
  VIGIL_CLI_USAGE: { message: '{detail}', status: 400, retriable: false },
  VIGIL_CLI_NOT_AVAILABLE: {
    message: '`vigil {command}` is not available yet: {detail}',
    status: 501,
    retriable: false,
  },
});
