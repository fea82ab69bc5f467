/**
 * Splitting one CSV line into fields (RFC 4180 quoting: "a ""quoted"" field", delimiters inside quotes) and
 * detecting the delimiter of a file from its first lines. One line is one record: sensor exports do not put
 * newlines inside fields, and reading line by line is what keeps a multi-GB import in constant memory and gives
 * every bad row its exact line number. A quote left open at the end of a line makes the row bad, not the import.
 */

export const DELIMITERS = [',', ';', '\t'] as const;
export type Delimiter = (typeof DELIMITERS)[number];

/** The fields of `line`, or null when a quoted field is not closed on this line. */
export function splitCsvLine(line: string, delimiter: string): string[] | null {
  const fields: string[] = [];
  const n = line.length;
  let i = 0;
  for (;;) {
    if (i < n && line.charCodeAt(i) === 34 /* " */) {
      let value = '';
      let j = i + 1;
      for (;;) {
        const q = line.indexOf('"', j);
        if (q === -1) return null;
        value += line.slice(j, q);
        if (line.charCodeAt(q + 1) === 34) {
          value += '"';
          j = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      // Anything between the closing quote and the delimiter is kept (lenient, like spreadsheet tools).
      const next = line.indexOf(delimiter, i);
      const end = next === -1 ? n : next;
      value += line.slice(i, end);
      fields.push(value);
      if (next === -1) return fields;
      i = next + delimiter.length;
    } else {
      const next = line.indexOf(delimiter, i);
      if (next === -1) {
        fields.push(line.slice(i));
        return fields;
      }
      fields.push(line.slice(i, next));
      i = next + delimiter.length;
    }
  }
}

/** Number of fields `line` splits into with `delimiter` (0 when the quoting is broken). */
function fieldCount(line: string, delimiter: string): number {
  return splitCsvLine(line, delimiter)?.length ?? 0;
}

/**
 * The delimiter that splits the header and the sample lines into the same number (> 1) of fields, preferring
 * the one giving the most fields; comma when nothing splits (a one-column file).
 */
export function detectDelimiter(lines: readonly string[]): Delimiter {
  let best: Delimiter = ',';
  let bestScore = 0;
  for (const delimiter of DELIMITERS) {
    const counts = lines.map((l) => fieldCount(l, delimiter));
    const header = counts[0] ?? 0;
    if (header < 2) continue;
    const consistent = counts.filter((c) => c === header).length;
    // Consistency across lines first, then the number of columns.
    const score = consistent * 1000 + header;
    if (score > bestScore) {
      bestScore = score;
      best = delimiter;
    }
  }
  return best;
}
