/**
 * Maintenance windows and operating modes of assets: during a window [startsAt, endsAt) of an asset, alerts that
 * open for it are suppressed (still scored and stored, marked suppressed). Judged on event time, so a replay of
 * the same period suppresses the same alerts. Pure.
 */
import { alertWorkflowError } from './errors.js';

/** Why the asset is not in normal production. */
export const OPERATING_MODES = ['maintenance', 'planned_stop', 'commissioning', 'test_run'] as const;
export type OperatingMode = (typeof OPERATING_MODES)[number];

export interface MaintenanceWindow {
  readonly windowId: string;
  readonly stream: string;
  /** Asset id (the stream key). */
  readonly key: string;
  readonly mode: OperatingMode;
  readonly startsAt: number;
  readonly endsAt: number;
  readonly reason: string;
  readonly createdBy: string;
  readonly createdAt: number;
  /** Who ended it early ('' when it runs to its planned end). */
  readonly endedBy: string;
}

export function validateWindow(w: MaintenanceWindow): MaintenanceWindow {
  const fail = (reason: string): never => {
    throw alertWorkflowError('VIGIL_ALERT_WORKFLOW_INVALID_WINDOW', { key: w.key, reason });
  };
  if (w.key.trim() === '') fail('the asset id is empty');
  if (!OPERATING_MODES.includes(w.mode)) fail(`mode must be one of ${OPERATING_MODES.join(', ')}`);
  if (!Number.isFinite(w.startsAt) || !Number.isFinite(w.endsAt)) fail('start and end must be valid times');
  if (w.endsAt <= w.startsAt) fail(`it ends (${iso(w.endsAt)}) before it starts (${iso(w.startsAt)})`);
  if (w.createdBy.trim() === '') fail('say who declares it (--by)');
  if (w.reason.trim() === '') fail('say why (--reason)');
  return w;
}

function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}

export class MaintenanceCalendar {
  readonly #byKey = new Map<string, MaintenanceWindow[]>();

  constructor(windows: readonly MaintenanceWindow[], stream: string) {
    for (const w of windows) {
      if (w.stream !== stream) continue;
      const list = this.#byKey.get(w.key) ?? [];
      list.push(w);
      this.#byKey.set(w.key, list);
    }
  }

  get size(): number {
    let n = 0;
    for (const list of this.#byKey.values()) n += list.length;
    return n;
  }

  /** The window covering `key` at `time`, if any. */
  windowAt(key: string, time: number): MaintenanceWindow | undefined {
    const list = this.#byKey.get(key);
    if (list === undefined) return undefined;
    for (const w of list) if (time >= w.startsAt && time < w.endsAt) return w;
    return undefined;
  }

  isSuppressed(key: string, time: number): boolean {
    return this.windowAt(key, time) !== undefined;
  }
}
