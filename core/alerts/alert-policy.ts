/**
 * The alert policy: turns each key's scores (in processing order) into alert records. k-of-n anomalous scores open
 * an alert (or one score past openRatio × threshold), m consecutive scores below the hysteresis level close it, a
 * cool-down in event time follows, and none opens for a hold after the key's operating state changes (a start, a
 * stop, a speed change).
 * Severity comes from the score/threshold ratio (and only rises while open: each rise emits an update). Pure: no
 * clock, time is the scored event's time; state per key with JSON snapshot/restore.
 */
import type { Alert, AlertContributor, AlertSeverity } from '../events/types.js';
import type { ChannelStat } from '../features/channel-stats.js';
import { alertId } from './alert-id.js';
import type { AlertPolicyConfig } from './alert-policy-config.js';
import { type AlertPhase, type AlertTrigger, transition } from './alert-transitions.js';
import { topContributors } from './contributors.js';
import { alertsError } from './errors.js';
import { scoreRatio, severityOf, severityRank } from './severity.js';

export interface ScoredEvent {
  readonly key: string;
  readonly eventTime: number;
  readonly score: number;
  readonly threshold: number;
  readonly modelName: string;
  readonly modelVersion: string;
  /** Longest-window summary per channel (channelStatsReader(featureSet).read(vector)). */
  readonly channels: readonly ChannelStat[];
  /**
   * The key's speed as a share of its speed channel's range (0 standing still .. 1 full scale), when its stream can
   * tell: the policy derives the operating state from it (OperatingState).
   */
  readonly speed?: number;
}

/** Operating states, from speed: standing still, running, changing speed (a start-up ramp or a coast-down). */
export const OperatingState = { stopped: 0, running: 1, changing: 2 } as const;
/** Running above this share of the speed channel's range. */
export const RUNNING_SPEED_SHARE = 0.1;
/** Changing speed faster than this share of the range per second (steady running moves ~0.1 %/s of noise). */
export const CHANGING_SPEED_SHARE_PER_SECOND = 0.005;
/**
 * Readings a new operating state must hold before it counts as a change: a spike on the speed channel lasts 1-3
 * readings and is a fault to report, not a start or a stop.
 */
export const STATE_CONFIRM_EVENTS = 5;

function operatingStateAt(speed: number, previous: number | undefined, elapsedMs: number): number {
  if (previous !== undefined && elapsedMs > 0) {
    if (Math.abs(speed - previous) / (elapsedMs / 1000) > CHANGING_SPEED_SHARE_PER_SECOND) {
      return OperatingState.changing;
    }
  }
  return speed > RUNNING_SPEED_SHARE ? OperatingState.running : OperatingState.stopped;
}

interface OpenAlert {
  readonly alertId: string;
  readonly openedAt: number;
  severity: AlertSeverity;
  contributors: AlertContributor[];
  modelName: string;
  modelVersion: string;
}

interface KeyAlertState {
  phase: AlertPhase;
  /** Last n anomaly flags (1/0), a ring written at `cursor`. */
  flags: number[];
  cursor: number;
  anomalous: number;
  /** Consecutive scores below the close level while open. */
  calm: number;
  cooldownUntil: number;
  open: OpenAlert | null;
  /** The previous score's speed and event time (for the rate of change). */
  lastSpeed: number | undefined;
  lastSpeedAt: number;
  /** Confirmed operating state (undefined until the key's first speed). */
  operatingState: number | undefined;
  /** A different state seen lately, and for how many readings in a row. */
  candidateState: number | undefined;
  candidateCount: number;
  /** No alert opens before this event time (stateChangeHoldMs after the last confirmed change). */
  holdUntil: number;
}

export const ALERT_STATE_FORMAT = 'vigil.alerts.key-state/1';

export interface AlertStateSnapshot {
  readonly format: typeof ALERT_STATE_FORMAT;
  readonly policy: string;
  readonly phase: AlertPhase;
  readonly flags: readonly number[];
  readonly cursor: number;
  readonly calm: number;
  readonly cooldownUntil: number;
  readonly open: OpenAlert | null;
  /** Absent in snapshots written before the state-change hold existed: read as no state known, no hold. */
  readonly lastSpeed?: number | null;
  readonly lastSpeedAt?: number;
  readonly operatingState?: number | null;
  readonly candidateState?: number | null;
  readonly candidateCount?: number;
  readonly holdUntil?: number;
}

export interface AlertPolicy {
  readonly config: AlertPolicyConfig;
  /** Feeds one score of one key; returns the alert record this score produced (opened, escalated, closed), if any. */
  evaluate(event: ScoredEvent): Alert | undefined;
  snapshot(key: string): AlertStateSnapshot | undefined;
  restore(key: string, snapshot: AlertStateSnapshot): void;
  keys(): IterableIterator<string>;
  /** Alerts currently open, by key. */
  openAlerts(): Map<string, string>;
}

/** -Infinity ("not set") is not JSON: snapshots store it as the smallest safe integer. */
const timeToJson = (t: number) => (Number.isFinite(t) ? t : Number.MIN_SAFE_INTEGER);
const timeFromJson = (t: number | undefined) =>
  t === undefined || t === Number.MIN_SAFE_INTEGER ? Number.NEGATIVE_INFINITY : t;

export function createAlertPolicy(config: AlertPolicyConfig, stream: string): AlertPolicy {
  const states = new Map<string, KeyAlertState>();
  const fresh = (): KeyAlertState => ({
    phase: 'idle',
    flags: new Array(config.n).fill(0),
    cursor: 0,
    anomalous: 0,
    calm: 0,
    cooldownUntil: Number.NEGATIVE_INFINITY,
    open: null,
    lastSpeed: undefined,
    lastSpeedAt: 0,
    operatingState: undefined,
    candidateState: undefined,
    candidateCount: 0,
    holdUntil: Number.NEGATIVE_INFINITY,
  });

  /** Follows the key's operating state; a confirmed change starts the hold. */
  const trackState = (state: KeyAlertState, event: ScoredEvent) => {
    const speed = event.speed;
    if (speed === undefined || !Number.isFinite(speed) || config.stateChangeHoldMs === 0) return;
    const seen = operatingStateAt(speed, state.lastSpeed, event.eventTime - state.lastSpeedAt);
    state.lastSpeed = speed;
    state.lastSpeedAt = event.eventTime;
    // The first state a key shows is where it is, not a change.
    if (state.operatingState === undefined) state.operatingState = seen;
    if (seen === state.operatingState) {
      state.candidateState = undefined;
      state.candidateCount = 0;
      return;
    }
    state.candidateCount = seen === state.candidateState ? state.candidateCount + 1 : 1;
    state.candidateState = seen;
    if (state.candidateCount < STATE_CONFIRM_EVENTS) return;
    state.holdUntil = event.eventTime + config.stateChangeHoldMs;
    state.operatingState = seen;
    state.candidateState = undefined;
    state.candidateCount = 0;
  };

  const record = (key: string, open: OpenAlert, event: ScoredEvent, closed: boolean): Alert => ({
    alertId: open.alertId,
    stream,
    key,
    state: closed ? 'closed' : 'open',
    severity: open.severity,
    openedAt: open.openedAt,
    closedAt: closed ? event.eventTime : null,
    eventTime: event.eventTime,
    score: event.score,
    modelName: open.modelName,
    modelVersion: open.modelVersion,
    contributors: open.contributors,
  });

  const apply = (state: KeyAlertState, trigger: AlertTrigger) => {
    const step = transition(state.phase, trigger);
    if (step === null) throw new Error(`alert policy bug: no transition from ${state.phase} on ${trigger}`);
    state.phase = step.to;
    return step.emit;
  };

  return {
    config,

    evaluate(event) {
      let state = states.get(event.key);
      if (state === undefined) {
        state = fresh();
        states.set(event.key, state);
      }
      const flag = event.score > event.threshold ? 1 : 0;
      state.anomalous += flag - state.flags[state.cursor]!;
      state.flags[state.cursor] = flag;
      state.cursor = (state.cursor + 1) % config.n;

      if (state.phase === 'cooling' && event.eventTime >= state.cooldownUntil) apply(state, 'cooldownOver');
      trackState(state, event);

      // Held: after a start or a stop, and while a new state is being confirmed (its first readings move every
      // channel most; a speed-channel spike of 1-3 readings is held too, the price of not alerting on a stop).
      const held = event.eventTime < state.holdUntil || state.candidateCount > 0;
      if (state.phase === 'idle' && !held) {
        const gross = config.openRatio > 0 && scoreRatio(event.score, event.threshold) >= config.openRatio;
        if (state.anomalous < config.k && !gross) return undefined;
        apply(state, 'kOfNAnomalous');
        state.calm = 0;
        state.open = {
          alertId: alertId(config.name, event.key, event.eventTime),
          openedAt: event.eventTime,
          severity: severityOf(event.score, event.threshold, config.severityBands),
          contributors: topContributors(event.channels, config.topContributors, config.normalBandSigmas),
          modelName: event.modelName,
          modelVersion: event.modelVersion,
        };
        return record(event.key, state.open, event, false);
      }

      if (state.phase === 'open' && state.open !== null) {
        const open = state.open;
        const closeLevel = event.threshold - config.hysteresis * Math.abs(event.threshold);
        state.calm = event.score < closeLevel ? state.calm + 1 : 0;
        if (state.calm >= config.closeAfter) {
          apply(state, 'calmForM');
          state.cooldownUntil = event.eventTime + config.cooldownMs;
          state.open = null;
          // A new alert needs k fresh anomalous scores.
          state.flags.fill(0);
          state.anomalous = 0;
          return record(event.key, open, event, true);
        }
        const severity = severityOf(event.score, event.threshold, config.severityBands);
        if (severityRank(severity) > severityRank(open.severity)) {
          apply(state, 'severityRose');
          open.severity = severity;
          open.contributors = topContributors(event.channels, config.topContributors, config.normalBandSigmas);
          open.modelName = event.modelName;
          open.modelVersion = event.modelVersion;
          return record(event.key, open, event, false);
        }
      }
      return undefined;
    },

    snapshot(key) {
      const s = states.get(key);
      if (s === undefined) return undefined;
      return {
        format: ALERT_STATE_FORMAT,
        policy: config.name,
        phase: s.phase,
        flags: [...s.flags],
        cursor: s.cursor,
        calm: s.calm,
        cooldownUntil: timeToJson(s.cooldownUntil),
        open: s.open === null ? null : structuredClone(s.open),
        lastSpeed: s.lastSpeed ?? null,
        lastSpeedAt: s.lastSpeedAt,
        operatingState: s.operatingState ?? null,
        candidateState: s.candidateState ?? null,
        candidateCount: s.candidateCount,
        holdUntil: timeToJson(s.holdUntil),
      };
    },

    restore(key, snapshot) {
      const fail = (reason: string): never => {
        throw alertsError('VIGIL_ALERTS_SNAPSHOT_INVALID', { key, reason });
      };
      if (snapshot?.format !== ALERT_STATE_FORMAT) fail(`unknown format (expected ${ALERT_STATE_FORMAT})`);
      if (snapshot.policy !== config.name) fail(`it belongs to policy ${snapshot.policy}, not ${config.name}`);
      if (!Array.isArray(snapshot.flags) || snapshot.flags.length !== config.n) {
        fail(`it keeps ${snapshot.flags?.length} flags, the policy's n is ${config.n}`);
      }
      if (
        !['idle', 'open', 'cooling'].includes(snapshot.phase) ||
        (snapshot.phase === 'open') !== (snapshot.open !== null)
      ) {
        fail(`its phase ${snapshot.phase} is inconsistent`);
      }
      states.set(key, {
        phase: snapshot.phase,
        flags: [...snapshot.flags],
        cursor: snapshot.cursor,
        anomalous: snapshot.flags.reduce((a, b) => a + b, 0),
        calm: snapshot.calm,
        cooldownUntil: timeFromJson(snapshot.cooldownUntil),
        open: snapshot.open === null ? null : structuredClone(snapshot.open),
        lastSpeed: snapshot.lastSpeed ?? undefined,
        lastSpeedAt: snapshot.lastSpeedAt ?? 0,
        operatingState: snapshot.operatingState ?? undefined,
        candidateState: snapshot.candidateState ?? undefined,
        candidateCount: snapshot.candidateCount ?? 0,
        holdUntil: timeFromJson(snapshot.holdUntil),
      });
    },

    keys() {
      return states.keys();
    },

    openAlerts() {
      const open = new Map<string, string>();
      for (const [key, s] of states) if (s.open !== null) open.set(key, s.open.alertId);
      return open;
    },
  };
}
