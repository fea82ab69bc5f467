import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { alertId } from '../../core/alerts/alert-id.js';
import { inferenceId } from '../../core/scoring/ids.js';
import { sha256Hex, sha256Uuid } from '../../core/sha256.js';
import { hashSecret } from '../../serving/keys/api-key.js';
import { derivedEventId } from '../../serving/scoring/csv-readings.js';

// Ids are stored (inferences, alerts, derived event ids, key hashes) and a retry must find the same id, so the
// one-shot hash must give exactly what the streaming Hash gave for every text, whatever its characters.
const streamed = (text: string) => createHash('sha256').update(text).digest('hex');

describe('sha256 ids', () => {
  it('sha256Hex equals the streaming Hash on any text (UTF-8, astral and lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (text) => {
        expect(sha256Hex(text)).toBe(streamed(text));
      }),
    );
  });

  it('sha256Uuid is the UUID-shaped first 128 bits of the digest', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), (text) => {
        const id = sha256Uuid(text);
        expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
        expect(id.replaceAll('-', '')).toBe(streamed(text).slice(0, 32));
      }),
    );
  });

  it('keeps the ids already stored: inference, alert, derived event ids and key hashes are unchanged', () => {
    expect(inferenceId('sensors', 'ev-1', 'sensors-pump', 'production', '')).toBe(
      uuidOf(streamed('sensors\u0000ev-1\u0000sensors-pump\u0000production\u0000')),
    );
    expect(alertId('pump-default', 'pump-01', 1_767_600_000_000)).toBe(
      uuidOf(streamed('pump-default\u0000pump-01\u00001767600000000')),
    );
    expect(derivedEventId('pump-01', 1_767_600_000_000, 3)).toBe(
      streamed('pump-01\u00001767600000000\u00003').slice(0, 32),
    );
    expect(hashSecret('s3cret')).toBe(streamed('s3cret'));
  });
});

function uuidOf(hex: string): string {
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
