/**
 * The tick's ping pool while targets are planned one by one: each target first draws on its own allowance (its fair
 * share of the pool, computed before anything was observed), then on what is left over — unused allowances come back
 * as soon as their target knows it needs less. The sum of all grants never exceeds the pool.
 */
export class PingPool {
  private spare: number;
  private readonly allowances: Map<string, number>;

  constructor(
    readonly size: number,
    allowances: ReadonlyMap<string, number>,
  ) {
    this.allowances = new Map(allowances);
    let promised = 0;
    for (const allowance of allowances.values()) promised += allowance;
    this.spare = size - promised;
  }

  /** Pings granted to `key` for a request of `asked`; what it leaves of its allowance goes back to the pool. */
  take(key: string, asked: number): number {
    const allowance = this.allowances.get(key) ?? 0;
    this.allowances.delete(key);
    const own = Math.min(asked, allowance);
    this.spare += allowance - own;
    const extra = Math.max(0, Math.min(asked - own, this.spare));
    this.spare -= extra;
    return own + extra;
  }

  /** `key` will not ping this tick (skipped, failed, deferred): its allowance goes back to the pool. */
  release(key: string): void {
    this.take(key, 0);
  }
}
