/**
 * A cache of read-only answers that outlives a tick: the controller's execution environment is reused between
 * scheduled invocations, and at 1,000 targets the control plane's ~15 requests/second cannot re-read everything
 * every minute. Each entry's lifetime is stretched by up to a fifth, derived from its key, so entries cached in the
 * same tick do not all expire in the same later tick.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(private readonly maxEntries = 10_000) {}

  get(key: string, now: number): V | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number, now: number): void {
    if (this.entries.size >= this.maxEntries && !this.entries.has(key)) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, expiresAt: now + ttlMs + spread(key, ttlMs) });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** The cached value, or the loader's (cached on success; failures are not cached). */
  async getOrLoad(key: string, ttlMs: number, now: number, load: () => Promise<V>): Promise<V> {
    const cached = this.get(key, now);
    if (cached !== undefined) return cached;
    const value = await load();
    this.set(key, value, ttlMs, now);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** Up to a fifth of `ttlMs`, derived from `key`: what a TtlCache entry's lifetime is stretched by. */
export function spread(key: string, ttlMs: number): number {
  let hash = 2166136261;
  for (let i = 0; i < key.length; i++) hash = Math.imul(hash ^ key.charCodeAt(i), 16777619);
  return Math.floor(((hash >>> 0) / 0xffffffff) * (ttlMs / 5));
}
