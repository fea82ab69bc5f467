/**
 * Rows encoded to JSONEachRow bytes, the form every insert hands to ClickHouse (the embedded engine takes the bytes
 * as they are; see open-chdb.ts). Writers that hold rows a while before inserting them (the API's buffered audit
 * and inference rows) encode them when they are made: the encoding is paid by the request that made them, not by
 * whichever requests wait behind a flush, and the bytes live outside the JavaScript heap until the insert.
 */
import { byTurns, ITEMS_PER_TURN } from '../../core/turns.js';
import { columnsOf } from './client.js';
import type { Row } from './types.js';

export interface EncodedRows {
  /** The columns named by any of the rows, in first-seen order. */
  readonly columns: readonly string[];
  /** One JSON document per row, each ending with a newline: the client's own encoding of JSONEachRow. */
  readonly bytes: Buffer;
  readonly count: number;
}

export function encodeRows(rows: readonly Row[]): EncodedRows {
  let text = '';
  for (const row of rows) text += `${JSON.stringify(row)}\n`;
  return { columns: columnsOf(rows), bytes: Buffer.from(text), count: rows.length };
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
    count: rows.length,
  };
}
