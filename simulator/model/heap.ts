/**
 * Binary min-heaps on typed arrays. The simulator pushes and pops one entry per invocation (tens of millions per
 * run), so entries are numbers, never objects.
 */

/** Environment slots ordered by a key held in an external array (e.g. the time each becomes free). */
export class SlotHeap {
  private items = new Int32Array(64);
  size = 0;

  constructor(private readonly key: () => Float64Array) {}

  /** The slot with the smallest key; only valid when size > 0. */
  top(): number {
    return this.items[0];
  }

  push(slot: number): void {
    if (this.size === this.items.length) {
      const bigger = new Int32Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const key = this.key();
    const items = this.items;
    const k = key[slot];
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const p = items[parent];
      if (key[p] <= k) break;
      items[i] = p;
      i = parent;
    }
    items[i] = slot;
  }

  pop(): number {
    const items = this.items;
    const out = items[0];
    const last = items[--this.size];
    if (this.size > 0) {
      const key = this.key();
      const k = key[last];
      const n = this.size;
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && key[items[child + 1]] < key[items[child]]) child++;
        if (key[items[child]] >= k) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return out;
  }
}

/** Plain times (e.g. when each busy provisioned environment becomes free). */
export class TimeHeap {
  private items = new Float64Array(16);
  size = 0;

  top(): number {
    return this.items[0];
  }

  push(value: number): void {
    if (this.size === this.items.length) {
      const bigger = new Float64Array(this.items.length * 2);
      bigger.set(this.items);
      this.items = bigger;
    }
    const items = this.items;
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent] <= value) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = value;
  }

  pop(): number {
    const items = this.items;
    const out = items[0];
    const last = items[--this.size];
    const n = this.size;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && items[child + 1] < items[child]) child++;
        if (items[child] >= last) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return out;
  }

  /** Removes every entry <= t; returns how many. */
  popUntil(t: number): number {
    let n = 0;
    while (this.size > 0 && this.items[0] <= t) {
      this.pop();
      n++;
    }
    return n;
  }
}

interface Scheduled {
  readonly at: number;
  readonly seq: number;
  readonly run: () => void;
}

/** Strategy and model events (ticks, pings, allocations): few, so plain objects; ties keep insertion order. */
export class EventQueue {
  private items: Scheduled[] = [];
  private seq = 0;

  get size(): number {
    return this.items.length;
  }

  /** Time of the next event, or +Infinity. */
  nextAt(): number {
    return this.items.length > 0 ? this.items[0].at : Number.POSITIVE_INFINITY;
  }

  push(at: number, run: () => void): void {
    const item = { at, seq: this.seq++, run };
    const items = this.items;
    let i = items.length;
    items.push(item);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent])) break;
      items[i] = items[parent];
      i = parent;
    }
    items[i] = item;
  }

  pop(): Scheduled {
    const items = this.items;
    const out = items[0];
    const last = items.pop()!;
    const n = items.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        let child = 2 * i + 1;
        if (child >= n) break;
        if (child + 1 < n && before(items[child + 1], items[child])) child++;
        if (!before(items[child], last)) break;
        items[i] = items[child];
        i = child;
      }
      items[i] = last;
    }
    return out;
  }
}

function before(a: Scheduled, b: Scheduled): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
