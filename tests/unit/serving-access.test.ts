import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseExpiry } from '../../cli/commands/keys.js';
import { isVigilError } from '../../core/errors.js';
import { generateApiKey, hashSecret, parseApiKey, secretMatches } from '../../serving/keys/api-key.js';
import { allows, PERMISSIONS, permissionsOf, ROLES } from '../../serving/permissions.js';
import { readCsvReadings, resultsToCsv } from '../../serving/scoring/csv-readings.js';
import { timeRange } from '../../serving/time-range.js';

describe('API keys', () => {
  it('generates 256-bit secrets behind an 8-hex-char public prefix, and parses them back', () => {
    const key = generateApiKey();
    const parsed = parseApiKey(key.token)!;
    expect(parsed.prefix).toBe(key.prefix);
    expect(Buffer.from(parsed.secret, 'base64url').length).toBe(32);
    expect(key.hash).toBe(hashSecret(parsed.secret));
    expect(key.token).not.toContain(key.hash);
  });

  it('never generates the same key twice in 1000 draws', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => generateApiKey().token));
    expect(tokens.size).toBe(1000);
  });

  it('matches only the exact secret', () => {
    const key = generateApiKey();
    const { secret } = parseApiKey(key.token)!;
    expect(secretMatches(secret, key.hash)).toBe(true);
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 60 }), (other) => {
        fc.pre(other !== secret);
        expect(secretMatches(other, key.hash)).toBe(false);
      }),
    );
    expect(secretMatches(secret, 'abcd')).toBe(false);
  });

  it('refuses strings not shaped like a key', () => {
    for (const bad of [
      '',
      'vgl_',
      'vgl_1234567_x',
      `vgl_12345678_${'a'.repeat(42)}`,
      `abc_12345678_${'a'.repeat(43)}`,
    ]) {
      expect(parseApiKey(bad)).toBeUndefined();
    }
  });

  it('parses --expires as a duration or a future date', () => {
    const now = Date.UTC(2026, 0, 1);
    expect(parseExpiry('90d', now)).toBe(now + 90 * 86_400_000);
    expect(parseExpiry('12h', now)).toBe(now + 12 * 3_600_000);
    expect(parseExpiry('2027-01-01', now)).toBe(Date.UTC(2027, 0, 1));
    expect(() => parseExpiry('2020-01-01', now)).toThrow(/--expires/);
  });
});

describe('permission table', () => {
  it('gives viewers read and score only, operators alert and dead-letter actions, admins everything', () => {
    expect(permissionsOf('viewer')).toEqual(['read', 'score', 'self']);
    expect(permissionsOf('operator')).toEqual([
      'read',
      'score',
      'alerts.act',
      'maintenance.change',
      'dead-letters.replay',
      'self',
    ]);
    expect(permissionsOf('admin')).toEqual(Object.keys(PERMISSIONS));
    expect(permissionsOf('ingest')).toEqual(['ingest', 'self']);
  });

  it('lets only admins change models and read the audit trail', () => {
    for (const role of ROLES) {
      expect(allows(role, 'models.change')).toBe(role === 'admin');
      expect(allows(role, 'audit.read')).toBe(role === 'admin');
    }
  });
});

describe('time ranges', () => {
  const now = Date.UTC(2026, 0, 10);
  it('defaults to the last span and accepts epoch ms or ISO', () => {
    expect(timeRange({}, now, 3_600_000, 86_400_000)).toEqual({ from: now - 3_600_000, to: now });
    expect(timeRange({ from: '2026-01-09T00:00:00Z', to: String(now) }, now, 1, 2 * 86_400_000)).toEqual({
      from: Date.UTC(2026, 0, 9),
      to: now,
    });
  });
  it('refuses reversed and too long ranges', () => {
    expect(() => timeRange({ from: String(now), to: String(now - 1) }, now, 1, 10)).toThrow(/before/);
    const error = (() => {
      try {
        timeRange({ from: '2025-01-01' }, now, 1, 86_400_000);
      } catch (e) {
        return e;
      }
    })();
    expect(isVigilError(error, 'VIGIL_SERVING_RANGE_TOO_LARGE')).toBe(true);
  });
});

describe('CSV readings', () => {
  const read = (text: string, max = 100) => readCsvReadings(Readable.from([text]), max);

  it('reads asset, type, time (ISO or epoch ms) and every other column as a channel; empty = absent', async () => {
    const readings = await read(
      'asset_id,asset_type,event_time,flow,speed\np1,pump,2026-01-05T08:00:00Z,12.5,\np1,pump,1767600001000,13,1500\n',
    );
    expect(readings).toHaveLength(2);
    expect(readings[0]).toMatchObject({
      assetId: 'p1',
      assetType: 'pump',
      eventTime: Date.UTC(2026, 0, 5, 8),
      channels: { flow: 12.5 },
    });
    expect(readings[1]!.channels).toEqual({ flow: 13, speed: 1500 });
    expect(readings[0]!.eventId).not.toBe(readings[1]!.eventId);
    const again = await read(
      'asset_id,asset_type,event_time,flow,speed\np1,pump,2026-01-05T08:00:00Z,12.5,\np1,pump,1767600001000,13,1500\n',
    );
    expect(again.map((r) => r.eventId)).toEqual(readings.map((r) => r.eventId));
  });

  it('names the line of a bad value, a bad time, a missing column, and refuses too many rows', async () => {
    await expect(read('asset_id,asset_type,event_time,flow\np1,pump,2026-01-05,abc\n')).rejects.toThrow(
      /line 2: column flow/,
    );
    await expect(read('asset_id,asset_type,event_time,flow\np1,pump,yesterday,1\n')).rejects.toThrow(
      /line 2: event_time/,
    );
    await expect(read('asset_id,event_time,flow\np1,2026-01-05,1\n')).rejects.toThrow(/asset_type/);
    await expect(
      read('asset_id,asset_type,event_time,flow\np1,pump,2026-01-05,1\np1,pump,2026-01-06,1\n', 1),
    ).rejects.toThrow(/more than 1 readings/);
    await expect(read('')).rejects.toThrow(/empty/);
  });

  it('writes results as CSV with quoting', () => {
    const csv = resultsToCsv({
      requestId: 'r',
      alerts: [],
      inferences: [],
      summary: { readings: 1, scored: 1, anomalies: 1, alerts: 0, unscored: 0 },
      rows: [
        {
          eventId: 'e,1',
          assetId: 'p1',
          assetType: 'pump',
          eventTime: 0,
          status: 'scored',
          score: 2.5,
          threshold: 1,
          anomaly: true,
          modelVersion: 'v1',
          scores: [],
          features: {},
        },
      ],
    });
    expect(csv).toBe(
      'event_id,asset_id,event_time,status,score,threshold,anomaly,model_version\n"e,1",p1,1970-01-01T00:00:00.000Z,scored,2.5,1,true,v1\n',
    );
  });
});
