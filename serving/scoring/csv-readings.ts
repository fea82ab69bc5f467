/**
 * CSV in and out for the score routes. Input: a header row, then one reading per row: `asset_id`, `asset_type`,
 * `event_time` (ISO 8601 or epoch milliseconds), optional `event_id`, `site`, `line`; every other column is a
 * channel (a number, or empty when the channel was not read). Parsed as a stream (csv-parse), so memory is bounded
 * by the readings kept, which VIGIL_API_MAX_READINGS caps.
 */
import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import type { SensorReading } from '../../core/events/types.js';
import { sha256Hex } from '../../core/sha256.js';
import { servingError } from '../errors.js';
import { MAX_EPOCH_MS } from '../schemas.js';
import type { ScoreResult } from './api-scorer.js';

const ALIASES: Record<string, keyof typeof FIELD> = {
  asset_id: 'assetId',
  assetid: 'assetId',
  asset: 'assetId',
  asset_type: 'assetType',
  assettype: 'assetType',
  event_time: 'eventTime',
  eventtime: 'eventTime',
  timestamp: 'eventTime',
  time: 'eventTime',
  event_id: 'eventId',
  eventid: 'eventId',
  site: 'site',
  line: 'line',
};
const FIELD = { assetId: 1, assetType: 1, eventTime: 1, eventId: 1, site: 1, line: 1 } as const;

export function parseEventTime(raw: string): number | undefined {
  const text = raw.trim();
  const ms = /^\d{10,16}$/.test(text) ? Number(text) : Date.parse(text);
  // Beyond the range the JSON routes accept, the time cannot be written back (toISOString throws).
  return Number.isFinite(ms) && ms >= 0 && ms <= MAX_EPOCH_MS ? ms : undefined;
}

/** A stable event id for a reading that came without one: the same file gives the same ids. */
export function derivedEventId(assetId: string, eventTime: number, index: number): string {
  return sha256Hex(`${assetId}\u0000${eventTime}\u0000${index}`).slice(0, 32);
}

export async function readCsvReadings(input: Readable, maxReadings: number): Promise<SensorReading[]> {
  const parser = input.pipe(parse({ bom: true, skip_empty_lines: true, trim: true, relax_column_count: false }));
  // pipe() does not forward errors: a failing upload (size limit, client gone) must end the parse with its error.
  input.once('error', (error) => parser.destroy(error));
  let header: { name: string; field: keyof typeof FIELD | undefined }[] | undefined;
  const readings: SensorReading[] = [];
  let line = 0;
  try {
    for await (const record of parser as AsyncIterable<string[]>) {
      line++;
      if (header === undefined) {
        header = record.map((name) => ({ name, field: ALIASES[name.toLowerCase()] }));
        for (const needed of ['assetId', 'assetType', 'eventTime'] as const) {
          if (!header.some((h) => h.field === needed)) {
            throw servingError('VIGIL_SERVING_CSV_INVALID', {
              line: 1,
              detail: `the header has no ${needed === 'assetId' ? 'asset_id' : needed === 'assetType' ? 'asset_type' : 'event_time'} column (got: ${record.join(', ')})`,
            });
          }
        }
        continue;
      }
      if (readings.length >= maxReadings) throw servingError('VIGIL_SERVING_TOO_MANY_ROWS', { max: maxReadings });
      readings.push(toReading(header, record, line, readings.length));
    }
  } catch (error) {
    if (error instanceof Error && 'code' in error && String(error.code).startsWith('CSV_')) {
      throw servingError('VIGIL_SERVING_CSV_INVALID', { line: line + 1, detail: error.message }, error);
    }
    throw error;
  }
  if (header === undefined) throw servingError('VIGIL_SERVING_CSV_INVALID', { line: 1, detail: 'the file is empty' });
  return readings;
}

function toReading(
  header: readonly { name: string; field: keyof typeof FIELD | undefined }[],
  record: readonly string[],
  line: number,
  index: number,
): SensorReading {
  const fields: Partial<Record<keyof typeof FIELD, string>> = {};
  const channels: Record<string, number> = {};
  header.forEach((h, i) => {
    const value = record[i] ?? '';
    if (h.field !== undefined) {
      fields[h.field] = value;
      return;
    }
    if (value === '') return;
    const n = Number(value);
    if (!Number.isFinite(n)) {
      throw servingError('VIGIL_SERVING_CSV_INVALID', { line, detail: `column ${h.name}: "${value}" is not a number` });
    }
    channels[h.name] = n;
  });
  const eventTime = parseEventTime(fields.eventTime ?? '');
  if (eventTime === undefined) {
    throw servingError('VIGIL_SERVING_CSV_INVALID', {
      line,
      detail: `event_time "${fields.eventTime}" is neither ISO 8601 nor epoch milliseconds`,
    });
  }
  if (!fields.assetId) throw servingError('VIGIL_SERVING_CSV_INVALID', { line, detail: 'asset_id is empty' });
  if (!fields.assetType) throw servingError('VIGIL_SERVING_CSV_INVALID', { line, detail: 'asset_type is empty' });
  return {
    eventId: fields.eventId || derivedEventId(fields.assetId, eventTime, index),
    assetId: fields.assetId,
    assetType: fields.assetType,
    site: fields.site ?? '',
    line: fields.line ?? '',
    eventTime,
    seq: index,
    channels,
    quality: [],
  };
}

const CSV_COLUMNS = ['event_id', 'asset_id', 'event_time', 'status', 'score', 'threshold', 'anomaly', 'model_version'];

/** The per-row results as CSV (one line per input reading, in input order). */
export function resultsToCsv(result: ScoreResult): string {
  const lines = [CSV_COLUMNS.join(',')];
  for (const r of result.rows) {
    lines.push(
      [
        csvCell(r.eventId),
        csvCell(r.assetId),
        new Date(r.eventTime).toISOString(),
        r.status,
        r.score ?? '',
        r.threshold ?? '',
        r.anomaly === undefined ? '' : String(r.anomaly),
        csvCell(r.modelVersion ?? ''),
      ].join(','),
    );
  }
  return `${lines.join('\n')}\n`;
}

function csvCell(value: string): string {
  return /[",\n\r]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
