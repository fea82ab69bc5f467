import { describe, expect, it } from 'vitest';
import { toClickHouseError } from '../../adapters/clickhouse/client.js';
import { isRetriable } from '../../core/retry.js';

describe('ClickHouse errors on a full disk', () => {
  it('are VIGIL_CLICKHOUSE_DISK_FULL and retriable, so the stream pauses instead of stopping', () => {
    for (const error of [
      { type: 'NOT_ENOUGH_SPACE', message: 'Cannot reserve 1.00 MiB, not enough space.' },
      { type: 'CANNOT_WRITE_TO_FILE_DESCRIPTOR', message: 'Cannot write to file: No space left on device' },
    ]) {
      const mapped = toClickHouseError(error, 'insert', 'chdb:/data');
      expect(mapped).toMatchObject({ code: 'VIGIL_CLICKHOUSE_DISK_FULL', retriable: true });
      expect(isRetriable(mapped)).toBe(true);
    }
  });

  it('leaves a rejected statement non-retriable', () => {
    const mapped = toClickHouseError({ type: 'SYNTAX_ERROR', message: 'Syntax error' }, 'query', 'chdb:/data');
    expect(mapped).toMatchObject({ code: 'VIGIL_CLICKHOUSE_QUERY_FAILED', retriable: false });
  });
});
