export { type FeatureSetRef, type ModelCard, modelCardSchema, parseCard, parseCardText } from './card.js';
export { checkContract, contractDifferences, type ProcessorFeatureSet, toFeatureSetRef } from './contract.js';
export { modelError } from './errors.js';
export {
  allowedTransitions,
  assertTransition,
  isModelVersionState,
  MODEL_TRANSITIONS,
  MODEL_VERSION_STATES,
  type ModelTransition,
  type ModelVersionState,
} from './lifecycle.js';
export { compareScores, PARITY_TOLERANCE, type ParityReport } from './parity.js';
