import { errorCatalogue } from '../core/errors.js';

export const evaluationError = errorCatalogue({
  VIGIL_EVALUATION_NO_DATA: {
    message:
      'No {stream} inferences of run "{runId}" in {range}: nothing to evaluate. Run the processor (or a replay) over the period, or check --stream, --run-id, --from and --to.',
    status: 404,
    retriable: false,
  },
  VIGIL_EVALUATION_TARGETS_MISSED: {
    message: 'Detection quality misses its targets (--check): {missed}. The report above has the figures.',
    status: 422,
    retriable: false,
  },
  VIGIL_EVALUATION_TRACE_INVALID: {
    message:
      '{path} is not a saved evaluation trace ({reason}): save one with `vigil evaluate --simulate --save-trace <file>`.',
    status: 400,
    retriable: false,
  },
  VIGIL_EVALUATION_MODEL_MISSING: {
    message:
      'No model for {subject}: {dir}/card.json does not exist (or the subject has no feature set). Rebuild the defaults with `npm run models:rebuild` or pass --models <dir>.',
    status: 500,
    retriable: false,
  },
});
