/**
 * The hidden operating state of one asset: a small regime machine (stopped -> startup -> running <-> idle)
 * driven by the line's shift calendar, producing the load L and speed S that the channel models follow.
 *
 * Transitions:    stopped --(shift starts)--> startup --(speed reaches rated)--> running
 *                 running --(10% of load changes)--> idle --(idle time over)--> running
 *                 any     --(shift ends)--> stopped
 * Continuous lines (no shifts) never stop; their load follows a day curve (lower at night, 15% lower at weekends).
 * All times are UTC epoch ms handed in by the caller: there is no clock in here.
 */
import type { LineSpec } from '../../core/plant/schema.js';
import type { Random } from '../simulation/random.js';

export type Regime = 'stopped' | 'startup' | 'running' | 'idle';

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MEAN_LOAD_CHANGE_MS = 20 * 60_000;
const MEAN_IDLE_MS = 5 * 60_000;
const IDLE_PROBABILITY = 0.1;
const IDLE_LOAD = 0.08;
const STARTUP_LOAD = 0.2;
/** Load follows its target with this time constant: motors and processes do not jump between set points. */
const LOAD_TAU_MS = 60_000;
/** Coast-down time constant after a stop. */
const STOP_TAU_MS = 8_000;

/** ISO weekday (1 = Monday .. 7 = Sunday) of a UTC time. */
export function isoWeekday(time: number): number {
  const day = Math.floor(time / DAY_MS);
  // 1970-01-01 was a Thursday (ISO 4).
  return ((((day + 3) % 7) + 7) % 7) + 1;
}

export function hourOfDay(time: number): number {
  return (((time % DAY_MS) + DAY_MS) % DAY_MS) / HOUR_MS;
}

/** True when the line's shift calendar has it working at `time` (continuous lines always work). */
export function lineWorks(line: LineSpec, time: number): boolean {
  const shifts = line.shifts;
  if (shifts === null) return true;
  if (!shifts.workDays.includes(isoWeekday(time))) return false;
  const hour = hourOfDay(time);
  return hour >= shifts.startHour && hour < shifts.endHour;
}

/** Demand curve of a continuous process: 1 at 14:00, 0.8 at 02:00, times 0.85 at weekends. */
export function demandFactor(time: number): number {
  const curve = 0.9 + 0.1 * Math.cos((2 * Math.PI * (hourOfDay(time) - 14)) / 24);
  return isoWeekday(time) >= 6 ? curve * 0.85 : curve;
}

export class OperatingState {
  regime: Regime = 'stopped';
  /** Load, fraction of rated (0 .. ~1.1). */
  load = 0;
  /** Speed, fraction of rated (0 .. 1). */
  speed = 0;
  private loadTarget = 0;
  private regimeSince = 0;
  private nextLoadChange = 0;
  private idleUntil = 0;
  private readonly startupMs: number;
  /** Each asset starts a few minutes apart from the others on its line, as operators start them one by one. */
  private readonly staggerMs: number;

  constructor(
    private readonly line: LineSpec,
    private readonly loadLevels: readonly number[],
    startupSeconds: number,
    private readonly rng: Random,
  ) {
    this.startupMs = startupSeconds * 1000;
    this.staggerMs = line.shifts === null ? 0 : rng.uniform(0, 10 * 60_000);
  }

  /** Puts the asset in the steady state it would have at `time`, so a run does not begin with a warm-up transient. */
  initialise(time: number): void {
    if (lineWorks(this.line, time - this.staggerMs)) {
      this.regime = 'running';
      this.speed = 1;
      this.loadTarget = this.pickLoad(time);
      this.load = this.loadTarget;
      this.nextLoadChange = time + this.rng.exponential(MEAN_LOAD_CHANGE_MS);
    } else {
      this.regime = 'stopped';
      this.speed = 0;
      this.load = 0;
      this.loadTarget = 0;
    }
    this.regimeSince = time;
  }

  /** Advances the state to `time`, `dtMs` after the previous step. */
  step(time: number, dtMs: number): void {
    const works = lineWorks(this.line, time - this.staggerMs);
    if (!works && this.regime !== 'stopped') this.enter('stopped', time);
    else if (works && this.regime === 'stopped') this.enter('startup', time);

    switch (this.regime) {
      case 'stopped':
        this.loadTarget = 0;
        this.speed *= Math.exp(-dtMs / STOP_TAU_MS);
        if (this.speed < 1e-4) this.speed = 0;
        break;
      case 'startup':
        this.loadTarget = STARTUP_LOAD;
        this.speed = this.startupMs === 0 ? 1 : Math.min(1, (time - this.regimeSince) / this.startupMs);
        if (this.speed >= 1) {
          this.enter('running', time);
          this.nextLoadChange = time;
        }
        break;
      case 'running':
        this.speed = 1;
        if (time >= this.nextLoadChange) {
          if (this.rng.chance(IDLE_PROBABILITY)) {
            this.enter('idle', time);
            this.idleUntil = time + this.rng.exponential(MEAN_IDLE_MS);
          } else {
            this.loadTarget = this.pickLoad(time);
            this.nextLoadChange = time + this.rng.exponential(MEAN_LOAD_CHANGE_MS);
          }
        }
        break;
      case 'idle':
        this.speed = 1;
        this.loadTarget = IDLE_LOAD;
        if (time >= this.idleUntil) {
          this.enter('running', time);
          this.nextLoadChange = time;
        }
        break;
    }
    const tau = this.regime === 'stopped' ? STOP_TAU_MS : LOAD_TAU_MS;
    this.load += (this.loadTarget - this.load) * (1 - Math.exp(-dtMs / tau));
  }

  private enter(regime: Regime, time: number): void {
    this.regime = regime;
    this.regimeSince = time;
  }

  private pickLoad(time: number): number {
    const level = this.rng.pick(this.loadLevels);
    return this.line.shifts === null ? level * demandFactor(time) : level;
  }
}
