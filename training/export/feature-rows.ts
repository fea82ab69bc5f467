/**
 * Turns the ordered history of one stream subject into training rows with the stream's own feature code: the
 * StreamDefinition of core/scoring (how an event maps to feature input, which feature set a subject has) and the
 * feature engine of core/features. No second implementation: a row here is bit-identical to the vector the live
 * processor would score for the same ordered input of the key.
 *
 * A row is kept when the event is ACCEPTED, its vector is ready (warm-up reached: only ready vectors are scored
 * live), its time lies in [from, to), and at least `sampleEveryMs` passed since the key's last kept row (1 Hz
 * sensors would otherwise give 86 400 highly correlated rows per asset and day). Events before `from` only warm
 * the windows up.
 */

import { createFeatureEngine, type FeatureEngine, type FeatureSet } from '../../core/features/index.js';
import type { StreamDefinition } from '../../core/scoring/index.js';
import type { Labeler } from './labels.js';

export interface FeatureRowOptions {
  readonly from: number;
  /** Exclusive. */
  readonly to: number;
  /** Minimum event-time gap between two kept rows of one key, ms (0 keeps every ready event). */
  readonly sampleEveryMs: number;
}

export interface FeatureRows {
  readonly featureSet: FeatureSet;
  readonly keys: string[];
  readonly eventTimes: number[];
  /** One column per feature, in featureSet.featureNames order. */
  readonly columns: number[][];
  readonly labels: (string | null)[];
  readonly subject: string;
}

export interface CollectorStats {
  events: number;
  accepted: number;
  late: number;
  duplicates: number;
  otherSubject: number;
  rows: number;
  /** Rows left out by `finish` (fault aftermath). */
  excluded: number;
}

export class FeatureRowCollector<E> {
  readonly stats: CollectorStats = {
    events: 0,
    accepted: 0,
    late: 0,
    duplicates: 0,
    otherSubject: 0,
    rows: 0,
    excluded: 0,
  };
  readonly featureSet: FeatureSet;
  readonly #stream: StreamDefinition<E>;
  readonly #subject: string;
  readonly #engine: FeatureEngine;
  readonly #options: FeatureRowOptions;
  readonly #lastKept = new Map<string, number>();
  readonly #vector: Float64Array;
  readonly #keys: string[] = [];
  readonly #times: number[] = [];
  readonly #columns: number[][];

  constructor(stream: StreamDefinition<E>, subject: string, featureSet: FeatureSet, options: FeatureRowOptions) {
    this.#stream = stream;
    this.#subject = subject;
    this.featureSet = featureSet;
    this.#engine = createFeatureEngine(featureSet);
    this.#options = options;
    this.#vector = new Float64Array(this.#engine.vectorLength);
    this.#columns = featureSet.featureNames.map(() => []);
  }

  /** Feeds one event; events of other subjects are counted and skipped. */
  add(event: E): void {
    this.stats.events++;
    if (this.#stream.subjectOf(event) !== this.#subject) {
      this.stats.otherSubject++;
      return;
    }
    const input = this.#stream.toFeatureEvent(event);
    const result = this.#engine.process(input, this.#vector);
    if (result.verdict === 'LATE') {
      this.stats.late++;
      return;
    }
    if (result.verdict === 'DUPLICATE') {
      this.stats.duplicates++;
      return;
    }
    this.stats.accepted++;
    const t = input.eventTime;
    if (!result.ready || t < this.#options.from || t >= this.#options.to) return;
    const last = this.#lastKept.get(input.key);
    if (last !== undefined && t - last < this.#options.sampleEveryMs && t >= last) return;
    this.#lastKept.set(input.key, t);
    this.#keys.push(input.key);
    this.#times.push(t);
    const v = result.vector;
    for (let i = 0; i < this.#columns.length; i++) this.#columns[i]!.push(v[i]!);
    this.stats.rows++;
  }

  /**
   * The collected rows, labelled, without those `exclude` names (rows in the aftermath of a fault, labels.ts);
   * the collector should not be fed afterwards.
   */
  finish(label: Labeler, exclude?: (key: string, eventTime: number) => boolean): FeatureRows {
    const keep = this.#keys.flatMap((key, i) => (exclude?.(key, this.#times[i]!) ? [] : [i]));
    const all = keep.length === this.#keys.length;
    this.stats.excluded = this.#keys.length - keep.length;
    this.stats.rows = keep.length;
    const keys = all ? this.#keys : keep.map((i) => this.#keys[i]!);
    const times = all ? this.#times : keep.map((i) => this.#times[i]!);
    return {
      featureSet: this.featureSet,
      keys,
      eventTimes: times,
      columns: all ? this.#columns : this.#columns.map((c) => keep.map((i) => c[i]!)),
      labels: keys.map((key, i) => label(key, times[i]!)),
      subject: this.#subject,
    };
  }
}
