/** Structured logging: one root pino logger per process, a child per component. Secrets are redacted by path. */
import { type Logger, pino } from 'pino';

export type { Logger };

const REDACT = [
  'password',
  '*.password',
  'apiKey',
  '*.apiKey',
  'authorization',
  '*.authorization',
  'headers.authorization',
  'req.headers.authorization',
  'sasl',
  '*.sasl',
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    { level, base: { service: 'vigil' }, redact: { paths: REDACT, censor: '[redacted]' } },
    destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
