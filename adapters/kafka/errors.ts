/**
 * Kafka errors as VigilErrors. kafkajs says whether an error is retriable; we keep that, and turn the two
 * failures an operator must act on (brokers unreachable, credentials refused) into messages naming the
 * variable to fix.
 */
import { errorCatalogue } from '../../core/errors.js';

export const kafkaError = errorCatalogue({
  VIGIL_KAFKA_UNREACHABLE: {
    message:
      'Cannot reach the Kafka brokers {brokers} ({detail}); check KAFKA_BROKERS (and KAFKA_SSL), or start the local stack with `vigil stack up`',
    status: 503,
    retriable: true,
  },
  VIGIL_KAFKA_AUTH_FAILED: {
    message:
      'Kafka refused the credentials ({detail}); check KAFKA_SASL_MECHANISM, KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    status: 503,
    retriable: false,
  },
  VIGIL_KAFKA_REQUEST_FAILED: {
    message: 'Kafka {operation} failed: {detail}',
    status: 503,
    retriable: true,
  },
  VIGIL_KAFKA_REQUEST_REJECTED: {
    message: 'Kafka rejected {operation}: {detail}',
    status: 500,
    retriable: false,
  },
});
