/**
 * Deciding, from the header and the first rows, which column holds the time, the asset, the label, and which
 * columns are channels. Explicit options always win; detection only fills the gaps, and anything that cannot be
 * decided fails before the first event with a message naming the option to pass.
 */
import { producerError } from '../errors.js';
import { looksLikeDateTime, parseNumber, parseTime } from './values.js';

export interface ColumnOptions {
  readonly timeColumn?: string;
  readonly assetColumn?: string;
  /** Fixed asset id for every row (a file from one machine). */
  readonly asset?: string;
  readonly labelColumn?: string;
  /** Channel columns to import; default: every numeric column that is not time, asset or label. */
  readonly channels?: readonly string[];
}

export interface ColumnPlan {
  readonly columns: readonly string[];
  readonly timeIndex: number;
  /** -1 when every row uses the fixed asset. */
  readonly assetIndex: number;
  readonly fixedAsset: string | undefined;
  /** -1 without a label column. */
  readonly labelIndex: number;
  readonly channels: readonly { readonly name: string; readonly index: number }[];
}

const TIME_NAMES = new Set([
  'time',
  'timestamp',
  'ts',
  'datetime',
  'date_time',
  'event_time',
  'eventtime',
  'time_stamp',
  'date',
]);
const ASSET_NAMES = new Set([
  'asset',
  'asset_id',
  'assetid',
  'device',
  'device_id',
  'machine',
  'machine_id',
  'equipment',
  'tag',
]);
const CHANNEL_NAME = /[^a-z0-9_]+/g;

/** Channel names as the catalogue spells them: "Bearing Temp (°C)" -> "bearing_temp_c". */
export function channelName(column: string): string {
  const name = column
    .trim()
    .toLowerCase()
    .replace(CHANNEL_NAME, '_')
    .replace(/^_+|_+$/g, '');
  return /^[a-z]/.test(name) ? name : `c_${name}`;
}

function indexOf(columns: readonly string[], wanted: string, what: string, option: string, path: string): number {
  const i = columns.indexOf(wanted);
  if (i === -1) {
    throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
      path,
      detail: `${what} column "${wanted}" (${option}) is not in the header; columns are: ${columns.join(', ')}`,
    });
  }
  return i;
}

/** Builds the plan; `samples` are the first data rows as cell arrays aligned with `columns`. */
export function planColumns(
  columns: readonly string[],
  samples: readonly (readonly unknown[])[],
  options: ColumnOptions,
  path: string,
): ColumnPlan {
  const lower = columns.map((c) => c.trim().toLowerCase());
  let timeIndex: number;
  if (options.timeColumn !== undefined) timeIndex = indexOf(columns, options.timeColumn, 'time', '--time-column', path);
  else {
    timeIndex = lower.findIndex((c) => TIME_NAMES.has(c));
    if (timeIndex === -1) timeIndex = columns.findIndex((_, i) => samples.some((row) => looksLikeDateTime(row[i])));
    if (timeIndex === -1) {
      throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
        path,
        detail: `no time column found (looked for ${[...TIME_NAMES].join(', ')} or date-time values); pass --time-column <name>`,
      });
    }
  }

  let assetIndex = -1;
  if (options.asset === undefined) {
    if (options.assetColumn !== undefined)
      assetIndex = indexOf(columns, options.assetColumn, 'asset', '--asset-column', path);
    else assetIndex = lower.findIndex((c) => ASSET_NAMES.has(c));
    if (assetIndex === -1) {
      throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
        path,
        detail:
          'no asset column found (asset, asset_id, device, machine, ...); pass --asset-column <name> or a fixed --asset <id>',
      });
    }
  }

  const labelIndex =
    options.labelColumn === undefined ? -1 : indexOf(columns, options.labelColumn, 'label', '--label', path);

  const reserved = new Set([timeIndex, assetIndex, labelIndex]);
  let channelIndexes: number[];
  if (options.channels !== undefined && options.channels.length > 0) {
    channelIndexes = options.channels.map((c) => indexOf(columns, c, 'channel', '--channels', path));
  } else {
    channelIndexes = [];
    columns.forEach((_, i) => {
      if (reserved.has(i)) return;
      let numeric = 0;
      let other = 0;
      for (const row of samples) {
        const v = parseNumber(row[i], true);
        if (v === null) other++;
        else if (v !== undefined) numeric++;
      }
      // A majority of numbers makes a channel; its odd non-numeric cells become bad rows, not a lost column.
      if (numeric > other) channelIndexes.push(i);
    });
    if (channelIndexes.length === 0) {
      throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
        path,
        detail: 'no numeric channel columns found in the first rows; pass --channels a,b',
      });
    }
  }
  const channels = channelIndexes.map((index) => ({ name: channelName(columns[index] as string), index }));
  const seen = new Set<string>();
  for (const c of channels) {
    if (seen.has(c.name)) {
      throw producerError('VIGIL_PRODUCERS_IMPORT_COLUMNS', {
        path,
        detail: `two columns map to the channel name "${c.name}"; choose one with --channels`,
      });
    }
    seen.add(c.name);
  }
  return { columns, timeIndex, assetIndex, fixedAsset: options.asset, labelIndex, channels };
}

/** True when the plan's time column parses in at least one sample row (catches a wrongly detected column early). */
export function timeColumnParses(plan: ColumnPlan, samples: readonly (readonly unknown[])[]): boolean {
  return samples.length === 0 || samples.some((row) => parseTime(row[plan.timeIndex]) !== null);
}
