export { ModelStore, readModelDir, type StoredModel } from './model-store.js';
