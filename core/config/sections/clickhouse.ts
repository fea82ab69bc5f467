import { option, section } from '../option.js';
import { nonEmpty, optionalHttpUrl, optionalString } from '../parsers.js';

export const clickhouse = section('clickhouse', {
  url: option({
    env: 'CLICKHOUSE_URL',
    doc: 'ClickHouse server HTTP URL. Unset: the embedded chDB engine with its data in $VIGIL_DATA_DIR/chdb (one owner process).',
    schema: optionalHttpUrl,
  }),
  database: option({
    env: 'CLICKHOUSE_DATABASE',
    default: 'vigil',
    doc: 'Database holding every Vigil table.',
    schema: nonEmpty.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be a plain identifier'),
  }),
  username: option({ env: 'CLICKHOUSE_USERNAME', doc: 'ClickHouse user (server mode).', schema: optionalString }),
  password: option({
    env: 'CLICKHOUSE_PASSWORD',
    doc: 'ClickHouse password (server mode).',
    secret: true,
    schema: optionalString,
  }),
});
