/**
 * Splits a migration file into statements. A ClickHouse server over HTTP runs one statement per request, so the
 * runner sends them one by one (which also lets a failure name its statement number). Semicolons inside string
 * literals, quoted identifiers and comments do not split. Pure: no I/O.
 */

type State = 'code' | 'single' | 'double' | 'backtick' | 'line-comment' | 'block-comment';

/** The statements of `sql`, trimmed, without the terminating semicolons; comment-only chunks are dropped. */
export function splitStatements(sql: string): string[] {
  const statements: string[] = [];
  let state: State = 'code';
  let start = 0;
  let hasCode = false;
  for (let i = 0; i < sql.length; i++) {
    const ch = sql[i];
    const next = sql[i + 1];
    switch (state) {
      case 'code':
        if (ch === ';') {
          if (hasCode) statements.push(sql.slice(start, i).trim());
          start = i + 1;
          hasCode = false;
        } else if (ch === '-' && next === '-') {
          state = 'line-comment';
          i++;
        } else if (ch === '/' && next === '*') {
          state = 'block-comment';
          i++;
        } else if (ch === "'" || ch === '"' || ch === '`') {
          state = ch === "'" ? 'single' : ch === '"' ? 'double' : 'backtick';
          hasCode = true;
        } else if (ch !== undefined && !/\s/.test(ch)) {
          hasCode = true;
        }
        break;
      case 'single':
      case 'double':
      case 'backtick': {
        const quote = state === 'single' ? "'" : state === 'double' ? '"' : '`';
        if (ch === '\\')
          i++; // backslash escapes the next character
        else if (ch === quote && next === quote)
          i++; // doubled quote is a literal quote
        else if (ch === quote) state = 'code';
        break;
      }
      case 'line-comment':
        if (ch === '\n') state = 'code';
        break;
      case 'block-comment':
        if (ch === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
    }
  }
  if (hasCode) statements.push(sql.slice(start).trim());
  return statements;
}

/** The statement without its leading comments and whitespace (to read its first keyword). */
export function stripLeadingComments(statement: string): string {
  let rest = statement;
  for (;;) {
    const trimmed = rest.trimStart();
    if (trimmed.startsWith('--')) {
      const eol = trimmed.indexOf('\n');
      rest = eol === -1 ? '' : trimmed.slice(eol + 1);
    } else if (trimmed.startsWith('/*')) {
      const end = trimmed.indexOf('*/');
      rest = end === -1 ? '' : trimmed.slice(end + 2);
    } else {
      return trimmed;
    }
  }
}
