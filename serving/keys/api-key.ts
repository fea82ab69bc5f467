/**
 * API key format and checks. A key is `vgl_<prefix>_<secret>`: the prefix (8 hex chars, public) finds the stored
 * row; the secret is 256 random bits (base64url). Only sha256(secret) is stored: for a 256-bit random secret a
 * slow password hash adds nothing (there is no dictionary to attack), and sha256 keeps authentication cheap.
 * The stored and presented hashes are compared with crypto.timingSafeEqual.
 */
import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { sha256Hex } from '../../core/sha256.js';

const KEY_PATTERN = /^vgl_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/;

export interface GeneratedKey {
  readonly id: string;
  readonly prefix: string;
  /** The full key, shown to its owner once and never stored. */
  readonly token: string;
  /** Hex sha256 of the secret part: what is stored. */
  readonly hash: string;
}

export interface ParsedKey {
  readonly prefix: string;
  readonly secret: string;
}

export function generateApiKey(): GeneratedKey {
  const prefix = randomBytes(4).toString('hex');
  const secret = randomBytes(32).toString('base64url');
  return { id: randomUUID(), prefix, token: `vgl_${prefix}_${secret}`, hash: hashSecret(secret) };
}

/** The prefix and secret of a presented key, or undefined when it is not shaped like a Vigil key. */
export function parseApiKey(token: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(token);
  return match ? { prefix: match[1]!, secret: match[2]! } : undefined;
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

/** Constant-time comparison of sha256(secret) with a stored hex hash. */
export function secretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presented.length && timingSafeEqual(presented, stored);
}
