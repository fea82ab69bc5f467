/**
 * Webhook payload signature, in the style chat and ticketing tools expect (Stripe/Slack-like): header
 * `X-Vigil-Signature: t=<epoch ms>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`. The timestamp is signed so a
 * captured request cannot be replayed later: receivers reject signatures older than a tolerance.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-vigil-signature';

export function signPayload(secret: string, timestamp: number, body: string): string {
  const mac = createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
  return `t=${timestamp},v1=${mac}`;
}

export type SignatureCheck = { ok: true } | { ok: false; reason: 'malformed' | 'mismatch' | 'expired' };

/** What a receiver runs: constant-time comparison, and a timestamp within `toleranceMs` of `now`. */
export function verifySignature(
  secret: string,
  header: string | undefined,
  body: string,
  now: number,
  toleranceMs = 5 * 60_000,
): SignatureCheck {
  const parts = new Map((header ?? '').split(',').map((p) => p.split('=', 2) as [string, string]));
  const t = Number(parts.get('t'));
  const given = parts.get('v1');
  if (!Number.isFinite(t) || given === undefined || !/^[0-9a-f]{64}$/.test(given))
    return { ok: false, reason: 'malformed' };
  const expected = createHmac('sha256', secret).update(`${t}.${body}`).digest('hex');
  if (!timingSafeEqual(Buffer.from(given, 'hex'), Buffer.from(expected, 'hex')))
    return { ok: false, reason: 'mismatch' };
  if (Math.abs(now - t) > toleranceMs) return { ok: false, reason: 'expired' };
  return { ok: true };
}
