import { option, section } from '../option.js';
import { httpUrl, optionalString } from '../parsers.js';

export const registry = section('registry', {
  url: option({
    env: 'SCHEMA_REGISTRY_URL',
    default: 'http://127.0.0.1:8081/apis/ccompat/v7',
    doc: 'Confluent-API schema registry base URL. On 127.0.0.1/localhost, `vigil stack up` starts Apicurio Registry there.',
    schema: httpUrl,
  }),
  username: option({ env: 'SCHEMA_REGISTRY_USERNAME', doc: 'Registry basic-auth user.', schema: optionalString }),
  password: option({
    env: 'SCHEMA_REGISTRY_PASSWORD',
    doc: 'Registry basic-auth password.',
    secret: true,
    schema: optionalString,
  }),
});
