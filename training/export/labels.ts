/**
 * Ground truth -> a label per exported row: the fault kind when the row's event time lies inside a fault span of
 * its key (both ends inclusive, like GroundTruth), null otherwise. Overlapping spans of one key: the one that
 * started last wins, so a row gets one deterministic label whatever the order the records arrived in.
 */
import type { GroundTruth } from '../../core/plant/ground-truth.js';

export type Labeler = (key: string, eventTime: number) => string | null;

/**
 * True for a time in the aftermath of a fault of its key: after the fault's end, within `graceMs` (the longest
 * window plus the allowed lateness), outside any fault span. Such a row is neither normal nor the fault: its
 * windows still hold fault values (a spike's max and std stay up for a whole window). As "normal" training rows
 * they taught the models that fault residue is normal and made up most of the tail of the training scores that
 * the threshold is a quantile of; `vigil evaluate` counts the same readings apart. Spikes last 1-3 samples, so a
 * 30 s sampled export often holds their aftermath but no labelled row of them.
 */
export function faultAftermath(
  truth: readonly Pick<GroundTruth, 'key' | 'kind' | 'start' | 'end'>[],
  graceMs: number,
): (key: string, eventTime: number) => boolean {
  const label = faultLabeler(truth);
  const byKey = new Map<string, number[]>();
  for (const t of truth) {
    let ends = byKey.get(t.key);
    if (ends === undefined) {
      ends = [];
      byKey.set(t.key, ends);
    }
    ends.push(t.end);
  }
  return (key, eventTime) => {
    const ends = byKey.get(key);
    if (ends === undefined || label(key, eventTime) !== null) return false;
    return ends.some((end) => eventTime > end && eventTime <= end + graceMs);
  };
}

export function faultLabeler(truth: readonly Pick<GroundTruth, 'key' | 'kind' | 'start' | 'end'>[]): Labeler {
  const byKey = new Map<string, { start: number; end: number; kind: string }[]>();
  for (const t of truth) {
    let spans = byKey.get(t.key);
    if (spans === undefined) {
      spans = [];
      byKey.set(t.key, spans);
    }
    spans.push({ start: t.start, end: t.end, kind: t.kind });
  }
  for (const spans of byKey.values()) {
    spans.sort((a, b) => a.start - b.start || a.end - b.end || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }
  return (key, eventTime) => {
    const spans = byKey.get(key);
    if (spans === undefined) return null;
    let label: string | null = null;
    // Spans of one key are few (faults per day): a scan is cheaper than an interval tree here.
    for (const s of spans) {
      if (s.start > eventTime) break;
      if (eventTime <= s.end) label = s.kind;
    }
    return label;
  };
}
