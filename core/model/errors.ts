/** The Models area's error catalogue: model cards, the model contract, lifecycle transitions and the ONNX runtime. */
import { errorCatalogue } from '../errors.js';

export const modelError = errorCatalogue({
  VIGIL_MODEL_CARD_INVALID: {
    message: 'Model card {source} is invalid:\n{problems}',
    status: 422,
    retriable: false,
  },
  VIGIL_MODEL_CONTRACT_MISMATCH: {
    message:
      'Model {model} does not match feature set {featureSet}: {differences}. Retrain the model on this feature set or deploy the feature set it was trained on.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODEL_TRANSITION_INVALID: {
    message: 'A model version cannot go from {from} to {to}; from {from} it can go to: {allowed}.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODEL_FILE_UNREADABLE: {
    message: 'Cannot read model file {path}: {reason}. Check the path and the model store.',
    status: 500,
    retriable: true,
  },
  VIGIL_MODEL_HASH_MISMATCH: {
    message:
      'Model file {path} has sha256 {actual} but its card declares {expected}: the file is not the one the card describes. Re-fetch the model version.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODEL_ONNX_INVALID: {
    message: 'Model file {path} is not a loadable ONNX model: {reason}.',
    status: 422,
    retriable: false,
  },
  VIGIL_MODEL_IO_MISMATCH: {
    message: 'Model file {path} breaks the ONNX I/O contract (see core/model/README.md): {problems}.',
    status: 422,
    retriable: false,
  },
  VIGIL_MODEL_PARITY_FAILED: {
    message:
      'Model {model} scores its card parity rows differently in this runtime: {detail}. The model was exported for another runtime or the card does not belong to this file.',
    status: 409,
    retriable: false,
  },
  VIGIL_MODEL_BATCH_INVALID: {
    message: 'Cannot score this batch: {detail}.',
    status: 400,
    retriable: false,
  },
  VIGIL_MODEL_INFERENCE_FAILED: {
    message: 'The ONNX runtime failed to score a batch of {rows} rows with model {model}: {reason}.',
    status: 500,
    retriable: false,
  },
});
