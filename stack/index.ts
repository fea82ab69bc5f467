/** The local stack's public surface: plan it from the config, then up, down, status and logs. */
export { stackError } from './errors.js';
export type { FetchedDist, Report } from './fetch.js';
export { type Health, kafkaHealth, registryHealth } from './health.js';
export { kafkaCheck, registryCheck, type StackIo, stackDown, stackUp, type UpResult } from './lifecycle.js';
export { followFile, tailLines } from './logs.js';
export { COMPONENTS, type ComponentName, planStack, type StackPlan } from './plan.js';
export { freePort, isPortFree } from './ports.js';
export { type ComponentStatus, formatStatusTable, stackStatus } from './status.js';
