import { errorCatalogue } from '../core/errors.js';

/** Replay and backfill (`vigil replay`, replay/). */
export const replayError = errorCatalogue({
  VIGIL_REPLAY_BAD_RANGE: {
    message: 'Replay range is invalid: {detail}',
    status: 400,
    retriable: false,
  },
  VIGIL_REPLAY_BAD_OPTION: {
    message: 'Replay option {option} is invalid: {detail}',
    status: 400,
    retriable: false,
  },
  VIGIL_REPLAY_RUN_MISMATCH: {
    message:
      'Run {runId} already exists with other parameters ({existing}); a run id names one replay. Use another --run-id, or the same options as the first run to resume it.',
    status: 409,
    retriable: false,
  },
  VIGIL_REPLAY_NO_MODEL: {
    message:
      'No model version to score {subjects} with: {detail}. Promote a version (`vigil models promote`) or name one with --model-version <name>=<version>.',
    status: 400,
    retriable: false,
  },
  VIGIL_REPLAY_CHUNK_FAILED: {
    message: 'Replay chunk {chunk} of run {runId} failed after {attempts} attempt(s): {reason}',
    status: 500,
    retriable: true,
  },
  VIGIL_REPLAY_WORKER_FAILED: {
    message: 'A replay worker thread failed: {reason}. The run resumes from its checkpoint when started again.',
    status: 500,
    retriable: true,
  },
  VIGIL_REPLAY_SCORING_FAILED: {
    message:
      'Replay scoring failed: {reason}. The same input fails the same way, so it is not retried; fix the cause (a model that does not load, bad rows) and run again to resume.',
    status: 500,
    retriable: false,
  },
  VIGIL_REPLAY_UNKNOWN_RUN: {
    message: 'No replay run {runId} (and it is not `live`). Known runs: {known}.',
    status: 404,
    retriable: false,
  },
  VIGIL_REPLAY_INTERRUPTED: {
    message: 'Replay run {runId} was interrupted after {done} of {total} chunks; run the same command again to resume.',
    status: 500,
    retriable: true,
  },
  VIGIL_REPLAY_KAFKA_RETENTION: {
    message:
      'Topic {topic} no longer holds the records the range needs: {detail}. Replay this range with --source clickhouse (the raw tables keep accepted events for 90 days).',
    status: 410,
    retriable: false,
  },
  VIGIL_REPLAY_KAFKA_STALLED: {
    message:
      'Staging topic {topic} for run {runId} stalled: no record for {timeoutMs} ms with {left} record(s) still to read ({partitions}); the broker is slow or unreachable. Run the same command again: staging starts over.',
    status: 504,
    retriable: true,
  },
  VIGIL_REPLAY_KAFKA_INTERRUPTED: {
    message:
      'Staging topic {topic} for run {runId} was interrupted after {read} of {total} records; run the same command again: staging starts over, then the run resumes.',
    status: 500,
    retriable: true,
  },
});
