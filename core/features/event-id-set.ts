/**
 * Duplicate detection in little memory: event ids are kept as 53-bit hashes (cyrb53) in an open-addressing table
 * on a Float64Array (16 bytes per id at most half full, against ~100 for a Set of strings). Two different ids of one
 * key collide with probability ~n^2/2^54 (about 5e-11 for the 1000 ids a 15-minute window holds at 1 Hz); a
 * collision makes the later event a DUPLICATE, deterministically.
 */

/** cyrb53 by bryc (public domain): a fast, well-mixed 53-bit string hash. Never returns 0 (0 marks a free slot). */
export function eventIdHash(id: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < id.length; i++) {
    const ch = id.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  const hash = 4294967296 * (2097151 & h2) + (h1 >>> 0);
  return hash === 0 ? 1 : hash;
}

/** A set of non-zero 53-bit integers: linear probing, deletion by backward shift (no tombstones). */
export class EventIdSet {
  private slots: Float64Array;
  private count = 0;

  constructor(initialCapacity = 16) {
    let cap = 16;
    while (cap < initialCapacity * 2) cap *= 2;
    this.slots = new Float64Array(cap);
  }

  get size(): number {
    return this.count;
  }

  has(hash: number): boolean {
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash % slots.length; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === 0) return false;
      if (s === hash) return true;
    }
  }

  add(hash: number): void {
    if ((this.count + 1) * 2 > this.slots.length) this.resize(this.slots.length * 2);
    const slots = this.slots;
    const mask = slots.length - 1;
    for (let i = hash % slots.length; ; i = (i + 1) & mask) {
      const s = slots[i]!;
      if (s === hash) return;
      if (s === 0) {
        slots[i] = hash;
        this.count++;
        return;
      }
    }
  }

  delete(hash: number): void {
    const slots = this.slots;
    const mask = slots.length - 1;
    let i = hash % slots.length;
    for (;;) {
      const s = slots[i]!;
      if (s === 0) return;
      if (s === hash) break;
      i = (i + 1) & mask;
    }
    // Backward shift: move later members of the probe run into the hole so lookups never stop early.
    let hole = i;
    for (let j = (hole + 1) & mask; slots[j] !== 0; j = (j + 1) & mask) {
      const home = slots[j]! % slots.length;
      const distHole = (hole - home + slots.length) & mask;
      const distJ = (j - home + slots.length) & mask;
      if (distHole < distJ) {
        slots[hole] = slots[j]!;
        hole = j;
      }
    }
    slots[hole] = 0;
    this.count--;
  }

  private resize(capacity: number): void {
    const old = this.slots;
    this.slots = new Float64Array(capacity);
    this.count = 0;
    for (const s of old) if (s !== 0) this.add(s);
  }
}
