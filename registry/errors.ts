/**
 * The model registry's error catalogue (registry/, adapters/model-store/, `vigil models`). Contract, hash, ONNX
 * and transition refusals reuse the Models catalogue (core/model/errors.ts); these are the registry's own.
 */
import { errorCatalogue } from '../core/errors.js';

export const registryError = errorCatalogue({
  VIGIL_MODELS_UNKNOWN_VERSION: {
    message: 'Model {name} has no version {version}. Known versions: {known}.',
    status: 404,
    retriable: false,
  },
  VIGIL_MODELS_UNKNOWN_MODEL: {
    message: 'No model named {name} is registered. Registered models: {known}.',
    status: 404,
    retriable: false,
  },
  VIGIL_MODELS_REASON_REQUIRED: {
    message: '{action} needs a reason (--reason "..."): every {action} is audited with who, when and why.',
    status: 400,
    retriable: false,
  },
  VIGIL_MODELS_ALREADY_REGISTERED: {
    message:
      'Model {name} version {version} is already registered with another ONNX file ({existing}); a version never changes. Train under a new version.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODELS_REGRESSION: {
    message: 'Promotion of {name}@{version} refused: {detail}. Promote anyway with --force --reason "..." (audited).',
    status: 409,
    retriable: false,
  },
  VIGIL_MODELS_NO_PREVIOUS_PRODUCTION: {
    message: 'Model {name} cannot be rolled back: {detail}.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODELS_NO_SHADOW: {
    message: 'Model {name} has no {role} version to compare: shadow a version first (`vigil models shadow`).',
    status: 409,
    retriable: false,
  },
  VIGIL_MODELS_UNKNOWN_SUBJECT: {
    message:
      'No processor feature set exists for {stream} subject {subject} (model {model}): the model cannot be checked against its contract. Declare the asset type (plant catalogue or an import) first.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODELS_ANNOUNCE_FAILED: {
    message:
      'The change of {name} ({action} {version}) is recorded in ClickHouse but could not be announced on {topic}: {reason}. Running processors keep their model until it is announced; re-run the command or restart them.',
    status: 503,
    retriable: true,
  },
});
