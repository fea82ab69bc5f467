export { ModelStore, readModelDir, type StoredModel, sha256Of } from './model-store.js';
