/**
 * Rows encoded to JSONEachRow bytes, the form every insert hands to ClickHouse (the embedded engine takes the bytes
 * as they are; see open-chdb.ts): the client's own encoding of the format, one JSON document and a newline per row.
 */
import { byTurns, ITEMS_PER_TURN } from '../../core/turns.js';
import { clickhouseError } from './errors.js';
import type { Row } from './types.js';

/** What a table or column name must look like to be spliced into SQL. */
export const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface EncodedRows {
  /** The columns named by any of the rows, in first-seen order. */
  readonly columns: readonly string[];
  readonly bytes: Buffer;
}

/**
 * The columns named by any row. They are listed in the INSERT explicitly because EPHEMERAL columns (dead_letters
 * receives bytes as base64 through them) only take part in an insert that names them.
 */
export function columnsOf(rows: readonly Row[]): [string, ...string[]] {
  const names = new Set<string>();
  for (const row of rows) for (const name in row) names.add(name);
  for (const name of names) {
    if (!IDENTIFIER.test(name)) throw clickhouseError('VIGIL_CLICKHOUSE_BAD_IDENTIFIER', { kind: 'column', name });
  }
  const [first, ...rest] = names;
  if (first === undefined) throw clickhouseError('VIGIL_CLICKHOUSE_BAD_IDENTIFIER', { kind: 'column', name: '' });
  return [first, ...rest];
}

export function encodeRows(rows: readonly Row[]): EncodedRows {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return { columns: columnsOf(rows), bytes: Buffer.from(text) };
}

/** `encodeRows` for a large batch, giving the event loop back every `ITEMS_PER_TURN` rows. */
export async function encodeRowsByTurns(rows: readonly Row[]): Promise<EncodedRows> {
  const chunks: Buffer[] = [];
  let text = '';
  let inChunk = 0;
  for await (const row of byTurns(rows)) {
    text += `${JSON.stringify(row)}\n`;
    if (++inChunk === ITEMS_PER_TURN) {
      chunks.push(Buffer.from(text));
      text = '';
      inChunk = 0;
    }
  }
  if (text !== '') chunks.push(Buffer.from(text));
  return {
    columns: columnsOf(rows),
    bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
  };
}
