/** The model store's error catalogue (documented in docs/errors.md, section Registry). */
import { errorCatalogue } from '../../core/errors.js';

export const modelStoreError = errorCatalogue({
  VIGIL_MODELS_STORE_CORRUPT: {
    message: 'Model store entry {dir} is damaged: {detail}. Register the model directory again.',
    status: 500,
    retriable: false,
  },
  VIGIL_MODELS_STORE_FAILED: {
    message: 'Cannot write to the model store {dir}: {reason}. Check permissions and free space.',
    status: 500,
    retriable: true,
  },
});
