export { checkSessionIo } from './io-contract.js';
export { type OpenedModel, openModelDir, readCard } from './model-dir.js';
export { checkParity } from './parity.js';
export { OnnxScorer, type Scorer, type ScorerOptions } from './scorer.js';
