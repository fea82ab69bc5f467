/**
 * Rows encoded to JSONEachRow bytes, the form every insert hands to ClickHouse (the embedded engine takes the bytes
 * as they are; see open-chdb.ts): the client's own encoding of the format, one JSON document and a newline per row.
 */
import { ITEMS_PER_TURN, nextTurn } from '../../core/turns.js';
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

/**
 * The rows as JSONEachRow, giving the event loop back before every `perTurn` rows: a group write of the
 * stream processor (thousands of ~230-value feature vectors) is tens of milliseconds of encoding, and it is
 * background work (core/turns.ts: it waits while the processor scores a batch or the API a request).
 */
export async function encodeRows(rows: readonly Row[], perTurn = ITEMS_PER_TURN): Promise<EncodedRows> {
  if (!Number.isInteger(perTurn) || perTurn < 1)
    throw new RangeError(`rows per turn must be a whole number >= 1, got ${perTurn}`);
  const chunks: Buffer[] = [];
  for (let from = 0; from < rows.length; from += perTurn) {
    await nextTurn();
    let text = '';
    for (let i = from; i < Math.min(rows.length, from + perTurn); i++) text += `${JSON.stringify(rows[i])}\n`;
    chunks.push(Buffer.from(text));
  }
  return { columns: columnsOf(rows), bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) };
}
