/**
 * Errors of the event contracts: bytes that are not a valid event, and events refused by the encoder.
 * Decode errors are not retriable (the same bytes fail the same way); a processor dead-letters them with
 * `deadLetterReasonOf(error)`. A registry outage while decoding is a different, retriable error
 * (VIGIL_REGISTRY_UNAVAILABLE): transient trouble is not bad data.
 */
import { errorCatalogue, isVigilError } from '../errors.js';
import type { DeadLetterReason } from './types.js';

export const eventsError = errorCatalogue({
  VIGIL_EVENTS_UNDECODABLE: {
    message: 'Record is not a decodable {schema} event: {detail}',
    status: 422,
    retriable: false,
  },
  VIGIL_EVENTS_UNKNOWN_SCHEMA: {
    message:
      'Record was written with schema id {schemaId}, which the schema registry does not know; the producer used another registry or the id is corrupt',
    status: 422,
    retriable: false,
  },
  VIGIL_EVENTS_INVALID_EVENT: {
    message: 'Event does not match schema {schema}: invalid field(s) {paths}',
    status: 400,
    retriable: false,
  },
  VIGIL_EVENTS_CODEC_NOT_READY: {
    message:
      'The {schema} codec has no registered schema id to encode with; call registerSchemas (vigil migrate) first',
    status: 500,
    retriable: false,
  },
});

const REASON_BY_CODE: Readonly<Record<string, DeadLetterReason>> = {
  VIGIL_EVENTS_UNDECODABLE: 'UNDECODABLE',
  VIGIL_EVENTS_UNKNOWN_SCHEMA: 'UNKNOWN_SCHEMA',
};

/** The dead-letter reason for a decode error, or undefined when the error is not about the record's bytes. */
export function deadLetterReasonOf(error: unknown): DeadLetterReason | undefined {
  return isVigilError(error) ? REASON_BY_CODE[error.code] : undefined;
}
