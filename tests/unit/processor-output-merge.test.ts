import { describe, expect, it } from 'vitest';
import type { Alert, DeadLetter, Inference } from '../../core/events/types.js';
import type { FeatureRow } from '../../core/scoring/index.js';
import { type BatchOutputs, mergeOutputs } from '../../stream-processors/output-writer.js';

/** Outputs whose rows are tagged with their batch, enough to check order and grouping. */
function outputs(tag: string, suppressed: string[] = []): BatchOutputs {
  return {
    assetTypes: [{ assetType: `type-${tag}`, channels: ['a'] }],
    rawTable: 'sensor_readings',
    raw: [{ event_id: `${tag}-1` }, { event_id: `${tag}-2` }],
    features: [{ eventId: `${tag}-1` } as unknown as FeatureRow],
    inferences: [{ inferenceId: `${tag}-i` } as unknown as Inference],
    alerts: [{ alertId: `${tag}-a` } as unknown as Alert],
    suppressedAlerts: new Set(suppressed),
    deadLetters: [{ sourceOffset: tag } as unknown as DeadLetter],
  };
}

describe('mergeOutputs: the batches of one group write', () => {
  it('keeps every row of every batch, in batch order, and every suppressed alert', () => {
    const merged = mergeOutputs([outputs('a', ['a-a']), outputs('b'), outputs('c', ['c-a'])]);
    expect(merged.raw.map((r) => r.event_id)).toEqual(['a-1', 'a-2', 'b-1', 'b-2', 'c-1', 'c-2']);
    expect(merged.features.map((f) => f.eventId)).toEqual(['a-1', 'b-1', 'c-1']);
    expect(merged.inferences.map((i) => i.inferenceId)).toEqual(['a-i', 'b-i', 'c-i']);
    expect(merged.alerts.map((a) => a.alertId)).toEqual(['a-a', 'b-a', 'c-a']);
    expect(merged.deadLetters.map((d) => d.sourceOffset)).toEqual(['a', 'b', 'c']);
    expect(merged.assetTypes.map((t) => t.assetType)).toEqual(['type-a', 'type-b', 'type-c']);
    expect([...(merged.suppressedAlerts ?? [])].sort()).toEqual(['a-a', 'c-a']);
    expect(merged.rawTable).toBe('sensor_readings');
  });

  it('returns a lone batch as it is', () => {
    const one = outputs('a');
    expect(mergeOutputs([one])).toBe(one);
  });
});
