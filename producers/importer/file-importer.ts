/**
 * Imports a CSV or JSONL file of sensor readings, streamed line by line (node:readline), so a multi-GB file
 * runs in constant memory. The first rows decide the layout (delimiter, time/asset/channel columns); after that
 * each line becomes a SensorReading for the sink or a bad row with its line number and reason. Bad rows are
 * counted and reported, never fatal. Labelled rows become ground truth.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { createInterface } from 'node:readline';
import type { SensorReading } from '../../core/events/types.js';
import type { GroundTruth } from '../../core/plant/ground-truth.js';
import { producerError } from '../errors.js';
import type { EventSink } from '../sinks/event-sink.js';
import { type ColumnOptions, type ColumnPlan, planColumns, timeColumnParses } from './column-plan.js';
import { type Delimiter, detectDelimiter, splitCsvLine } from './csv-fields.js';
import { type BadRow, type BadRowReason, isBadRow, RowMapper } from './row-mapper.js';

export type ImportFormat = 'csv' | 'jsonl';

export interface ImportOptions extends ColumnOptions {
  readonly path: string;
  /** Default: from the extension (.jsonl/.ndjson/.json = jsonl), else csv. */
  readonly format?: ImportFormat;
  /** Default: detected from the header and first rows. */
  readonly delimiter?: Delimiter;
  /** Asset type of the readings; a type the catalogue does not know gets its channels from the columns. */
  readonly assetType?: string;
  readonly site?: string;
  readonly line?: string;
  /** Names the import in event ids and ground truth; default: the file name. */
  readonly source?: string;
}

export interface ImportHooks {
  onBadRow?(bad: BadRow): void;
  onProgress?(progress: { bytesRead: number; totalBytes: number; rows: number }): void;
  readonly truthSink?: EventSink<GroundTruth>;
  /** Rows between progress calls. */
  readonly progressEvery?: number;
}

export interface ImportSummary {
  readonly path: string;
  readonly format: ImportFormat;
  readonly delimiter: Delimiter | undefined;
  readonly timeColumn: string | undefined;
  readonly assetType: string;
  readonly channels: readonly string[];
  readonly rowsRead: number;
  readonly events: number;
  readonly badRows: number;
  readonly badRowsByReason: Readonly<Partial<Record<BadRowReason, number>>>;
  /** Event-time range of the imported rows (epoch ms); null when nothing was imported. */
  readonly firstTime: number | null;
  readonly lastTime: number | null;
  readonly assets: readonly string[];
  readonly truthRecords: number;
}

/** Data rows used to decide the layout before the first event is written. */
const SAMPLE_ROWS = 50;

function formatOf(options: ImportOptions): ImportFormat {
  if (options.format) return options.format;
  const ext = extname(options.path).toLowerCase();
  return ext === '.jsonl' || ext === '.ndjson' || ext === '.json' ? 'jsonl' : 'csv';
}

/** A JSON line as a flat record: a nested `channels` object (the SensorReading shape) is lifted to the top. */
function flattenJson(value: unknown): Record<string, unknown> | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const record = value as Record<string, unknown>;
  const nested = record.channels;
  if (typeof nested !== 'object' || nested === null || Array.isArray(nested)) return record;
  const { channels: _ignored, ...rest } = record;
  return { ...rest, ...(nested as Record<string, unknown>) };
}

export async function importFile(
  options: ImportOptions,
  sink: EventSink<SensorReading>,
  hooks: ImportHooks = {},
): Promise<ImportSummary> {
  const { path } = options;
  let totalBytes: number;
  try {
    const info = await stat(path);
    if (!info.isFile()) throw new Error('not a regular file');
    totalBytes = info.size;
  } catch (error) {
    throw producerError('VIGIL_PRODUCERS_INPUT_FAILED', { path, reason: (error as Error).message }, error);
  }
  const format = formatOf(options);
  const assetType = options.assetType ?? 'imported';
  const source = options.source ?? basename(path);
  const every = hooks.progressEvery ?? 65_536;

  let header: string[] | undefined;
  let headerLine: string | undefined;
  let delimiter: Delimiter | undefined = options.delimiter;
  let plan: ColumnPlan | undefined;
  let mapper: RowMapper | undefined;
  let nestedChannels: string[] | undefined;
  const samples: [number, string][] = [];
  let rowsRead = 0;
  let events = 0;
  let badRows = 0;
  let truthRecords = 0;
  let firstTime = Number.POSITIVE_INFINITY;
  let lastTime = Number.NEGATIVE_INFINITY;
  const badByReason: Partial<Record<BadRowReason, number>> = {};
  const assets = new Set<string>();

  const bad = (row: BadRow) => {
    badRows++;
    badByReason[row.reason] = (badByReason[row.reason] ?? 0) + 1;
    hooks.onBadRow?.(row);
  };

  /** Cells of a data line aligned with the columns, or the reason the line cannot be split. */
  const cellsOf = (text: string, lineNumber: number): unknown[] | BadRow => {
    if (format === 'jsonl') {
      let record: Record<string, unknown> | null;
      try {
        record = flattenJson(JSON.parse(text));
      } catch (error) {
        return { line: lineNumber, reason: 'invalid_json', detail: (error as Error).message };
      }
      if (record === null) return { line: lineNumber, reason: 'invalid_json', detail: 'not a JSON object' };
      const cols = plan?.columns ?? [];
      const cells = new Array<unknown>(cols.length);
      for (let i = 0; i < cols.length; i++) cells[i] = record[cols[i] as string];
      return cells;
    }
    const cells = splitCsvLine(text, delimiter as string);
    if (cells === null)
      return { line: lineNumber, reason: 'unterminated_quote', detail: 'a quoted field is not closed' };
    const expected = (header as string[]).length;
    if (cells.length !== expected) {
      return {
        line: lineNumber,
        reason: 'wrong_column_count',
        detail: `expected ${expected} fields, got ${cells.length}`,
      };
    }
    return cells;
  };

  const handle = async (text: string, lineNumber: number): Promise<void> => {
    rowsRead++;
    const cells = cellsOf(text, lineNumber);
    if (!Array.isArray(cells)) return bad(cells);
    const result = (mapper as RowMapper).map(cells, lineNumber);
    if (isBadRow(result)) return bad(result);
    events++;
    assets.add(result.assetId);
    if (result.eventTime < firstTime) firstTime = result.eventTime;
    if (result.eventTime > lastTime) lastTime = result.eventTime;
    const wait = sink.write(result);
    if (wait) await wait;
    const labels = (mapper as RowMapper).labels;
    if (labels.pending > 0) truthRecords += await writeTruth(labels.take(), hooks.truthSink);
  };

  /** Decides the layout from the header and the buffered sample lines, then imports the samples. */
  const start = async (): Promise<void> => {
    let columns: string[];
    let sampleCells: unknown[][];
    if (format === 'csv') {
      delimiter ??= detectDelimiter([headerLine ?? '', ...samples.slice(0, 20).map(([, t]) => t)]);
      header = splitCsvLine(headerLine ?? '', delimiter) ?? [];
      columns = header.map((c) => c.trim());
      sampleCells = samples.map(([, t]) => splitCsvLine(t, delimiter as string) ?? []);
    } else {
      const records = samples.map(([, t]) => {
        try {
          const parsed = JSON.parse(t) as unknown;
          const nested = (parsed as { channels?: unknown } | null)?.channels;
          if (nestedChannels === undefined && typeof nested === 'object' && nested !== null) {
            nestedChannels = Object.keys(nested);
          }
          return flattenJson(parsed);
        } catch {
          return null;
        }
      });
      const keys = new Set<string>();
      for (const r of records) if (r) for (const k of Object.keys(r)) keys.add(k);
      columns = [...keys];
      sampleCells = records.map((r) => (r ? columns.map((c) => r[c]) : []));
    }
    const channels = options.channels ?? nestedChannels;
    plan = planColumns(columns, sampleCells, { ...options, channels }, path);
    if (!timeColumnParses(plan, sampleCells)) {
      throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
        path,
        detail: `no value of the time column "${columns[plan.timeIndex]}" in the first rows is a time (ISO 8601, "YYYY-MM-DD HH:mm:ss" or epoch s/ms); pass --time-column <name>`,
      });
    }
    mapper = new RowMapper({
      plan,
      assetType,
      site: options.site ?? 'imported',
      line: options.line ?? 'imported',
      decimalComma: delimiter !== undefined && delimiter !== ',',
      source,
    });
    for (const [lineNumber, text] of samples) await handle(text, lineNumber);
    samples.length = 0;
  };

  const input = createReadStream(path, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY });
  let lineNumber = 0;
  try {
    for await (const raw of lines) {
      lineNumber++;
      const text = lineNumber === 1 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      if (text.trim() === '') continue;
      if (format === 'csv' && headerLine === undefined) {
        headerLine = text;
        continue;
      }
      if (mapper === undefined) {
        samples.push([lineNumber, text]);
        if (samples.length >= SAMPLE_ROWS) await start();
        continue;
      }
      await handle(text, lineNumber);
      if (rowsRead % every === 0) hooks.onProgress?.({ bytesRead: input.bytesRead, totalBytes, rows: rowsRead });
    }
  } catch (error) {
    if ((error as { code?: string }).code?.startsWith('VIGIL_')) throw error;
    throw producerError('VIGIL_PRODUCERS_INPUT_FAILED', { path, reason: (error as Error).message }, error);
  } finally {
    lines.close();
    input.destroy();
  }
  if (mapper === undefined && samples.length > 0) await start();
  if (mapper !== undefined) truthRecords += await writeTruth(mapper.labels.finish(), hooks.truthSink);
  hooks.onProgress?.({ bytesRead: totalBytes, totalBytes, rows: rowsRead });
  await sink.flush();
  await hooks.truthSink?.flush();
  return {
    path,
    format,
    delimiter: format === 'csv' ? delimiter : undefined,
    timeColumn: plan ? plan.columns[plan.timeIndex] : undefined,
    assetType,
    channels: plan ? plan.channels.map((c) => c.name) : [],
    rowsRead,
    events,
    badRows,
    badRowsByReason: badByReason,
    firstTime: events > 0 ? firstTime : null,
    lastTime: events > 0 ? lastTime : null,
    assets: [...assets].sort(),
    truthRecords,
  };
}

async function writeTruth(records: GroundTruth[], sink: EventSink<GroundTruth> | undefined): Promise<number> {
  if (sink) {
    for (const record of records) {
      const wait = sink.write(record);
      if (wait) await wait;
    }
  }
  return records.length;
}
