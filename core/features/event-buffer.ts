/**
 * The accepted events of one key in event-time order (ties in arrival order), stored column-wise in typed-array
 * rings: time, id hash, and one Float64Array per channel (NaN = missing). Events are addressed by absolute
 * positions that only grow, so window starts and deque entries stay valid while old events leave the head.
 * 8 channels cost 80 bytes per retained event.
 */
export class EventBuffer {
  capacity: number;
  /** Absolute position of the oldest retained event. */
  head = 0;
  /** Absolute position after the newest event. */
  tail = 0;
  times: Float64Array;
  ids: Float64Array;
  values: Float64Array[];

  constructor(
    readonly channelCount: number,
    initialCapacity = 16,
  ) {
    this.capacity = initialCapacity;
    this.times = new Float64Array(initialCapacity);
    this.ids = new Float64Array(initialCapacity);
    this.values = Array.from({ length: channelCount }, () => new Float64Array(initialCapacity));
  }

  get size(): number {
    return this.tail - this.head;
  }

  time(position: number): number {
    return this.times[position % this.capacity]!;
  }

  id(position: number): number {
    return this.ids[position % this.capacity]!;
  }

  value(channel: number, position: number): number {
    return this.values[channel]![position % this.capacity]!;
  }

  /** Appends after the newest event; returns its position. */
  append(time: number, id: number, channelValues: Float64Array): number {
    if (this.size === this.capacity) this.grow();
    const position = this.tail++;
    this.write(position, time, id, channelValues);
    return position;
  }

  /** Inserts at `position`, moving the events from there to the newest one place up. O(events moved). */
  insertAt(position: number, time: number, id: number, channelValues: Float64Array): void {
    if (this.size === this.capacity) this.grow();
    const cap = this.capacity;
    for (let p = this.tail; p > position; p--) {
      const to = p % cap;
      const from = (p - 1) % cap;
      this.times[to] = this.times[from]!;
      this.ids[to] = this.ids[from]!;
      for (const column of this.values) column[to] = column[from]!;
    }
    this.tail++;
    this.write(position, time, id, channelValues);
  }

  /** Drops the oldest event; returns its id hash. */
  dropHead(): number {
    const id = this.id(this.head);
    this.head++;
    return id;
  }

  /** First position in [from, tail) whose time is > t (binary search; the buffer is sorted by time). */
  firstAfter(t: number, from = this.head): number {
    let lo = from;
    let hi = this.tail;
    while (lo < hi) {
      const mid = Math.floor((lo + hi) / 2);
      if (this.time(mid) > t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Replaces the content with `size` events at positions 0..size-1 (restore). */
  load(times: Float64Array, ids: Float64Array, values: Float64Array[]): void {
    let cap = 16;
    while (cap < times.length) cap *= 2;
    this.capacity = cap;
    this.times = new Float64Array(cap);
    this.times.set(times);
    this.ids = new Float64Array(cap);
    this.ids.set(ids);
    this.values = values.map((column) => {
      const next = new Float64Array(cap);
      next.set(column);
      return next;
    });
    this.head = 0;
    this.tail = times.length;
  }

  /** The live region [head, tail) of a column, oldest first (snapshot). */
  slice(column: Float64Array): Float64Array {
    const out = new Float64Array(this.size);
    for (let p = this.head; p < this.tail; p++) out[p - this.head] = column[p % this.capacity]!;
    return out;
  }

  private write(position: number, time: number, id: number, channelValues: Float64Array): void {
    const i = position % this.capacity;
    this.times[i] = time;
    this.ids[i] = id;
    for (let c = 0; c < this.channelCount; c++) this.values[c]![i] = channelValues[c]!;
  }

  private grow(): void {
    const oldCap = this.capacity;
    const cap = oldCap * 2;
    const move = (old: Float64Array): Float64Array => {
      const next = new Float64Array(cap);
      for (let p = this.head; p < this.tail; p++) next[p % cap] = old[p % oldCap]!;
      return next;
    };
    this.times = move(this.times);
    this.ids = move(this.ids);
    this.values = this.values.map(move);
    this.capacity = cap;
  }
}
