/** Errors of the delivery audit (`vigil audit-delivery`). Documented under "Reliability" in docs/errors.md. */
import { errorCatalogue } from '../core/errors.js';

export const reliabilityError = errorCatalogue({
  VIGIL_RELIABILITY_AUDIT_READ_TIMEOUT: {
    message:
      'Reading offsets {ranges} of topic {topic} made no progress for {timeoutMs} ms ({read} of {wanted} records read); the broker is slow or unreachable',
    status: 504,
    retriable: true,
  },
  VIGIL_RELIABILITY_AUDIT_FAILED: {
    message:
      'Delivery audit of {topic}: {missing} record(s) missing and {duplicated} row(s) duplicated in ClickHouse (listed above)',
    status: 500,
    retriable: false,
  },
  VIGIL_RELIABILITY_AUDIT_TOO_LARGE: {
    message:
      'The range holds {records} records, more than the audit limit of {limit}; the audit keeps one entry per record in memory',
    status: 413,
    retriable: false,
  },
});
