/**
 * A logger for one test that keeps its records and prints them only if the test fails: a silent logger leaves
 * nothing to read when a test times out in CI, a verbose one buries the passing runs' output.
 */
import { Writable } from 'node:stream';
import type { TestContext } from 'vitest';
import { createLogger, type Logger } from '../../adapters/logger.js';

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
  });
  return createLogger(level, sink);
}
