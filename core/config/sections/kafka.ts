import { z } from 'zod';
import { option, section } from '../option.js';
import { boolean, hostPortList, nonEmpty, optionalString } from '../parsers.js';

export const kafka = section(
  'kafka',
  {
    brokers: option({
      env: 'KAFKA_BROKERS',
      default: '127.0.0.1:9092',
      doc: 'Kafka bootstrap servers. When every broker is on 127.0.0.1/localhost, `vigil stack up` starts a local broker on that port.',
      schema: hostPortList,
    }),
    clientId: option({ env: 'KAFKA_CLIENT_ID', default: 'vigil', doc: 'Kafka client id prefix.', schema: nonEmpty }),
    ssl: option({ env: 'KAFKA_SSL', default: 'false', doc: 'Connect to the brokers over TLS.', schema: boolean }),
    saslMechanism: option({
      env: 'KAFKA_SASL_MECHANISM',
      doc: 'SASL mechanism: plain, scram-sha-256 or scram-sha-512. Unset: no SASL.',
      schema: z
        .enum(['plain', 'scram-sha-256', 'scram-sha-512'], { message: 'must be plain, scram-sha-256 or scram-sha-512' })
        .optional(),
    }),
    saslUsername: option({ env: 'KAFKA_SASL_USERNAME', doc: 'SASL user name.', schema: optionalString }),
    saslPassword: option({
      env: 'KAFKA_SASL_PASSWORD',
      doc: 'SASL password (or use KAFKA_SASL_PASSWORD_FILE).',
      secret: true,
      schema: optionalString,
    }),
  },
  (v) =>
    v.saslMechanism && (!v.saslUsername || !v.saslPassword)
      ? ['KAFKA_SASL_MECHANISM is set: set KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD too']
      : [],
);
