/**
 * A growable double-ended queue of buffer positions on a Float64Array ring, addressed by ever-increasing logical
 * indices (so per-window pointers into it stay valid while it is pushed and popped). It backs the monotonic
 * min/max deques of the sliding windows.
 */
export class PositionDeque {
  private ring: Float64Array;
  head = 0;
  tail = 0;

  constructor(initialCapacity = 4) {
    this.ring = new Float64Array(initialCapacity);
  }

  get length(): number {
    return this.tail - this.head;
  }

  at(index: number): number {
    return this.ring[index % this.ring.length]!;
  }

  back(): number {
    return this.ring[(this.tail - 1) % this.ring.length]!;
  }

  push(position: number): void {
    if (this.tail - this.head === this.ring.length) this.grow();
    this.ring[this.tail % this.ring.length] = position;
    this.tail++;
  }

  popBack(): void {
    this.tail--;
  }

  popFront(): void {
    this.head++;
  }

  clear(): void {
    this.head = 0;
    this.tail = 0;
  }

  /** The positions from head to tail. */
  toArray(): Float64Array {
    const out = new Float64Array(this.length);
    for (let i = this.head; i < this.tail; i++) out[i - this.head] = this.at(i);
    return out;
  }

  /** Replaces the content; logical indices restart at 0. */
  load(positions: Float64Array): void {
    this.ring = new Float64Array(Math.max(4, positions.length));
    this.ring.set(positions);
    this.head = 0;
    this.tail = positions.length;
  }

  private grow(): void {
    const old = this.ring;
    const next = new Float64Array(old.length * 2);
    for (let i = this.head; i < this.tail; i++) next[i % next.length] = old[i % old.length]!;
    this.ring = next;
  }
}
