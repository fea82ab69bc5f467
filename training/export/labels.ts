/**
 * Ground truth -> a label per exported row: the fault kind when the row's event time lies inside a fault span of
 * its key (both ends inclusive, like GroundTruth), null otherwise. Overlapping spans of one key: the one that
 * started last wins, so a row gets one deterministic label whatever the order the records arrived in.
 */
import type { GroundTruth } from '../../core/plant/ground-truth.js';

export type Labeler = (key: string, eventTime: number) => string | null;

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
