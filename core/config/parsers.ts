/** zod schemas for the raw strings of environment variables; each failure message says what a valid value is. */
import { z } from 'zod';

const HOST_PORT = /^[A-Za-z0-9.\-_[\]:]+:\d{1,5}$/;

export const hostPortList = z
  .string()
  .transform((raw) =>
    raw
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
  )
  .refine((list) => list.length > 0 && list.every((hp) => HOST_PORT.test(hp)), {
    message: 'must be host:port[,host:port]',
  });

export const httpUrl = z
  .string()
  .refine((raw) => /^https?:\/\/[^\s]+$/.test(raw) && URL.canParse(raw), { message: 'must be an http(s):// URL' })
  .transform((raw) => raw.replace(/\/+$/, ''));

export const optionalHttpUrl = httpUrl.optional();

export const port = z.coerce
  .number({ message: 'must be a port number 1-65535' })
  .int('must be a port number 1-65535')
  .min(1, 'must be a port number 1-65535')
  .max(65535, 'must be a port number 1-65535');

export const positiveInt = z.coerce
  .number({ message: 'must be a positive integer' })
  .int('must be a positive integer')
  .positive('must be a positive integer');

export const nonNegativeInt = z.coerce
  .number({ message: 'must be an integer >= 0' })
  .int('must be an integer >= 0')
  .min(0, 'must be an integer >= 0');

export const boolean = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'], { message: 'must be true or false' })
  .transform((raw) => raw === 'true' || raw === '1' || raw === 'yes');

export const nonEmpty = z.string().min(1, 'must not be empty');
export const optionalString = z.string().min(1, 'must not be empty when set').optional();

/** Durations like 500ms, 30s, 5m, 1h, 7d, or a bare number of milliseconds; parsed to milliseconds. */
export const durationMs = z.string().transform((raw, ctx) => {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(raw.trim());
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'must be a duration such as 500ms, 30s, 5m, 1h or 7d' });
    return z.NEVER;
  }
  const unit = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[match[2] ?? 'ms'] ?? 1;
  return Math.round(Number(match[1]) * unit);
});

/** A comma-separated list of durations (e.g. window sizes 1m,5m,15m), sorted ascending, no duplicates. */
export const durationList = z.string().transform((raw, ctx) => {
  const parts = raw
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const out: number[] = [];
  for (const part of parts) {
    const parsed = durationMs.safeParse(part);
    if (!parsed.success) {
      ctx.addIssue({ code: 'custom', message: `"${part}" must be a duration such as 1m, 5m or 15m` });
      return z.NEVER;
    }
    out.push(parsed.data);
  }
  if (out.length === 0) {
    ctx.addIssue({ code: 'custom', message: 'must list at least one duration, e.g. 1m,5m,15m' });
    return z.NEVER;
  }
  return [...new Set(out)].sort((a, b) => a - b);
});

export const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
  message: 'must be one of fatal, error, warn, info, debug, trace, silent',
});
