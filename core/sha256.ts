import { hash } from 'node:crypto';

/**
 * sha256 of a text (as UTF-8) or of bytes, as hex: the project's one sha256. One-shot `crypto.hash` (Node >=
 * 20.12), not `createHash`: every Hash object is a native object behind a weak handle that each young-generation
 * collection visits. Ids are hashed per reading and per inference, and those handles were a fixed ~0.8 ms of every
 * collection on the API's request path (bench/README.md, "what a collection copies").
 */
export function sha256Hex(data: string | NodeJS.ArrayBufferView): string {
  return hash('sha256', data, 'hex');
}

/** A UUID-shaped id from the sha256 of `text`: deterministic, so a retry or a replay gets the same id. */
export function sha256Uuid(text: string): string {
  const hex = sha256Hex(text);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20, 32)}`;
}
