/**
 * A binary min-heap ordered by (time, tie) — both numbers, so ordering is total and deterministic. The
 * simulators use it to emit events in time order across many assets and to release delayed (late) events.
 */
export class TimeHeap<T> {
  private readonly times: number[] = [];
  private readonly ties: number[] = [];
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** Time of the earliest entry, or +Infinity when empty. */
  peekTime(): number {
    return this.items.length === 0 ? Number.POSITIVE_INFINITY : (this.times[0] as number);
  }

  peek(): T | undefined {
    return this.items[0];
  }

  push(time: number, tie: number, item: T): void {
    this.times.push(time);
    this.ties.push(tie);
    this.items.push(item);
    this.up(this.items.length - 1);
  }

  pop(): T | undefined {
    const n = this.items.length;
    if (n === 0) return undefined;
    const top = this.items[0];
    const lastTime = this.times.pop() as number;
    const lastTie = this.ties.pop() as number;
    const lastItem = this.items.pop() as T;
    if (n > 1) {
      this.times[0] = lastTime;
      this.ties[0] = lastTie;
      this.items[0] = lastItem;
      this.down(0);
    }
    return top;
  }

  private less(i: number, j: number): boolean {
    const ti = this.times[i] as number;
    const tj = this.times[j] as number;
    return ti < tj || (ti === tj && (this.ties[i] as number) < (this.ties[j] as number));
  }

  private swap(i: number, j: number): void {
    const t = this.times[i] as number;
    this.times[i] = this.times[j] as number;
    this.times[j] = t;
    const k = this.ties[i] as number;
    this.ties[i] = this.ties[j] as number;
    this.ties[j] = k;
    const x = this.items[i] as T;
    this.items[i] = this.items[j] as T;
    this.items[j] = x;
  }

  private up(index: number): void {
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  private down(index: number): void {
    const n = this.items.length;
    let i = index;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < n && this.less(l, m)) m = l;
      if (r < n && this.less(r, m)) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }
}
