/**
 * Property-based tests of the delivery audit's accounting (delivery-audit/compare.ts): for any partition range
 * and any split of its records into stored, dead-lettered and re-sent, the audit finds exactly the records taken
 * away as missing, and exactly the rows added twice as duplicated.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { auditPartition, type StoredRow, type TopicRecord, unresolvedIds } from '../../delivery-audit/compare.js';

const scenario = fc
  .array(fc.constantFrom('stored', 'dead', 'resent', 'lost', 'resentElsewhere'), { minLength: 1, maxLength: 200 })
  .chain((fates) => fc.tuple(fc.constant(fates), fc.array(fc.nat({ max: fates.length - 1 }), { maxLength: 5 })));

describe('fuzz: delivery audit accounting', () => {
  it('finds exactly the lost records and the doubled rows', () => {
    fc.assert(
      fc.property(scenario, ([fates, doubled]) => {
        const records: TopicRecord[] = [];
        const stored: StoredRow[] = [];
        const dead: number[] = [];
        const elsewhere = new Set<string>();
        fates.forEach((fate, i) => {
          const offset = 1_000 + i;
          const first = stored.find((r) => r.eventId.startsWith('ev-'));
          if (fate === 'resent' && first !== undefined) {
            records.push({ partition: 0, offset, eventId: first.eventId });
            return;
          }
          if (fate === 'resentElsewhere') {
            records.push({ partition: 0, offset, eventId: `old-${i}` });
            elsewhere.add(`old-${i}`);
            return;
          }
          const eventId = fate === 'dead' ? undefined : `ev-${i}`;
          records.push({ partition: 0, offset, eventId });
          if (fate === 'stored' || fate === 'resent') stored.push({ offset, eventId: `ev-${i}` });
          if (fate === 'dead') dead.push(offset);
        });
        const doubledRows = [...new Set(doubled)].filter((i) => i < stored.length).map((i) => stored[i]!);
        const evidence = {
          partition: 0,
          records,
          stored: [...stored, ...doubledRows],
          deadLetterOffsets: dead,
          storedElsewhere: elsewhere,
        };
        const audit = auditPartition(evidence);
        const lost = records.filter((_, i) => fates[i] === 'lost').map((r) => r.offset);
        expect(audit.missing.map((m) => m.offset)).toEqual(lost);
        expect(audit.duplicated).toBe(doubledRows.length);
        expect(audit.stored + audit.deadLettered + audit.resent + audit.missing.length).toBe(records.length);
        expect(unresolvedIds(evidence).sort()).toEqual(
          records
            .filter((r) => r.eventId !== undefined && !stored.some((s) => s.eventId === r.eventId))
            .filter((r) => !dead.includes(r.offset))
            .map((r) => r.eventId!)
            .sort(),
        );
      }),
      { numRuns: 500 },
    );
  });
});
