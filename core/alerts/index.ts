/** The alert policy's public surface (see README.md). */
export { alertId } from './alert-id.js';
export {
  type AlertPolicy,
  type AlertStateSnapshot,
  createAlertPolicy,
  type ScoredEvent,
} from './alert-policy.js';
export {
  type AlertPolicyConfig,
  alertPolicyFromConfig,
  DEFAULT_ALERT_POLICY,
  defineAlertPolicy,
  type SeverityBands,
} from './alert-policy-config.js';
export { ALERT_TRANSITIONS, type AlertPhase, type AlertTrigger } from './alert-transitions.js';
export {
  type ChannelEvidence,
  channelEvidence,
  type EvidenceKind,
  FROZEN_SIGMAS,
  topContributors,
} from './contributors.js';
export { alertsError } from './errors.js';
export { scoreRatio, severityOf } from './severity.js';
