import { option, section } from '../option.js';
import { nonEmpty, port } from '../parsers.js';

export const api = section('api', {
  host: option({
    env: 'VIGIL_API_HOST',
    default: '127.0.0.1',
    doc: 'Address the API and UI listen on.',
    schema: nonEmpty,
  }),
  port: option({ env: 'VIGIL_API_PORT', default: '8080', doc: 'Port of the API, UI and its /metrics.', schema: port }),
});
