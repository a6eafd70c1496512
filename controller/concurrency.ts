/**
 * Runs `work` over `items` with at most `limit` in flight, keeping the results in input order. A rejected item
 * rejects the whole call, so callers that must isolate failures catch inside `work`.
 */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index], index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}

/**
 * A counting semaphore whose holders take several permits at once, in FIFO order. A warm-up round takes as many
 * permits as it sends pings, so the rounds of all targets together never exceed the HTTP socket pool: a ping
 * queued behind the pool would start late and could land on an environment another ping just released.
 */
export class WeightedSemaphore {
  private available: number;
  private readonly waiting: Array<{ permits: number; resolve: () => void }> = [];

  constructor(readonly capacity: number) {
    this.available = capacity;
  }

  /** Waits for `permits` (at most the capacity) and returns how many were taken. */
  async acquire(permits: number): Promise<number> {
    const wanted = Math.max(0, Math.min(permits, this.capacity));
    if (this.waiting.length === 0 && this.available >= wanted) {
      this.available -= wanted;
      return wanted;
    }
    await new Promise<void>((resolve) => this.waiting.push({ permits: wanted, resolve }));
    return wanted;
  }

  release(permits: number): void {
    this.available += permits;
    while (this.waiting.length > 0 && this.available >= this.waiting[0].permits) {
      const head = this.waiting.shift()!;
      this.available -= head.permits;
      head.resolve();
    }
  }

  get inUse(): number {
    return this.capacity - this.available;
  }
}
