/**
 * A logger for one test that keeps its records and prints them only if the test fails: a silent logger leaves
 * nothing to read when a test times out in CI, a verbose one buries the passing runs' output.
 *
 * A failing test's records also go, one short line each, to `FAILED_TEST_LOGS`: `.ci/run` prints that file last,
 * where a CI report that keeps only the end of the output still shows it.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Writable } from 'node:stream';
import type { TestContext } from 'vitest';
import { createLogger, type Logger } from '../../adapters/logger.js';

const FAILED_TEST_LOGS = 'tests/artifacts/failed-test-logs.txt';

const LEVEL_NAMES: Record<number, string> = {
  10: 'TRACE',
  20: 'DEBUG',
  30: 'INFO',
  40: 'WARN',
  50: 'ERROR',
  60: 'FATAL',
};
const NOT_SHOWN = new Set(['level', 'time', 'service', 'pid', 'hostname', 'msg', 'component', 'stack']);
const LINE_CHARS = 240;

export function loggerShownOnFailure(context: TestContext, level = 'info'): Logger {
  const records: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      records.push(String(chunk));
      done();
    },
  });
  context.onTestFailed(() => {
    process.stderr.write(`--- logs of "${context.task.name}" ---\n${records.join('')}--- end of logs ---\n`);
    mkdirSync(dirname(FAILED_TEST_LOGS), { recursive: true });
    appendFileSync(FAILED_TEST_LOGS, [`--- ${context.task.name}`, ...shortLines(records), ''].join('\n'));
  });
  return createLogger(level, sink);
}

/** One line per record: seconds since the first, level, component, message and the other fields, cut short. */
function shortLines(records: readonly string[]): string[] {
  let first: number | undefined;
  return records.map((text) => {
    let record: Record<string, unknown>;
    try {
      record = JSON.parse(text) as Record<string, unknown>;
    } catch {
      return text.trimEnd().slice(0, LINE_CHARS);
    }
    const time = Number(record.time);
    first ??= time;
    const fields = Object.entries(record).filter(([key]) => !NOT_SHOWN.has(key));
    const line = [
      `+${((time - first) / 1000).toFixed(2)}s`,
      LEVEL_NAMES[Number(record.level)] ?? String(record.level),
      `${String(record.component ?? '-')}:`,
      String(record.msg ?? ''),
      fields.length > 0 ? JSON.stringify(Object.fromEntries(fields)) : '',
    ].join(' ');
    return line.slice(0, LINE_CHARS);
  });
}
