import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedBatchTransitions, BatchLifecycle, type BatchState } from '../../stream-processors/batch-lifecycle.js';
import { decodeCheckpoint, encodeCheckpointMetadata } from '../../stream-processors/checkpoint.js';

describe('checkpoint metadata', () => {
  it('round-trips the restore point', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 62n }), fc.bigInt({ min: 0n, max: 2n ** 20n }), (restore, gap) => {
        const offset = (restore + gap).toString();
        expect(decodeCheckpoint(offset, encodeCheckpointMetadata(restore.toString()))).toEqual({
          offset,
          restoreFrom: restore.toString(),
        });
      }),
    );
  });

  it('treats foreign or absent metadata as "nothing to rebuild"', () => {
    for (const metadata of [
      null,
      undefined,
      '',
      'set by kafka-consumer-groups',
      '{"v":9}',
      '{"v":1,"restoreFrom":-3}',
    ]) {
      expect(decodeCheckpoint('42', metadata)).toEqual({ offset: '42', restoreFrom: '42' });
    }
  });

  it('never restores from beyond the committed offset', () => {
    expect(decodeCheckpoint('10', encodeCheckpointMetadata('99'))).toEqual({ offset: '10', restoreFrom: '10' });
  });
});

describe('batch lifecycle', () => {
  it('allows commit only after outputs are flushed', () => {
    const batch = new BatchLifecycle();
    expect(batch.mayCommit).toBe(false);
    batch.to('processed');
    expect(batch.mayCommit).toBe(false);
    batch.to('flushed');
    expect(batch.mayCommit).toBe(true);
    batch.to('committed');
    expect(batch.state).toBe('committed');
  });

  it('refuses every transition outside the table', () => {
    const table = allowedBatchTransitions();
    const states = Object.keys(table) as BatchState[];
    for (const from of states) {
      for (const to of states) {
        const batch = new BatchLifecycle();
        const path: BatchState[] = ['consumed', 'processed', 'flushed', 'committed'];
        const reach = from === 'failed' ? ['failed'] : path.slice(1, path.indexOf(from) + 1);
        for (const step of reach) batch.to(step as BatchState);
        if (table[from].includes(to)) expect(() => batch.to(to)).not.toThrow();
        else expect(() => batch.to(to)).toThrow(`batch cannot go from ${from} to ${to}`);
      }
    }
  });
});
