import { AwsError } from '../errors';

/** Requests one quota saw in one wall-clock second (of the emulator's clock). */
export interface QuotaSecond {
  /** Epoch second. */
  readonly second: number;
  readonly accepted: number;
  readonly throttled: number;
}

export interface QuotaSnapshot {
  readonly perSecond: number;
  /** Seconds with at least one request, oldest first (the last `QUOTA_HISTORY_SECONDS` of them). */
  readonly seconds: readonly QuotaSecond[];
  readonly accepted: number;
  readonly throttled: number;
}

/** Seconds of per-second counts a quota keeps (an hour of continuous use). */
export const QUOTA_HISTORY_SECONDS = 3_600;

/**
 * A requests-per-second quota like Lambda's control plane (15/s shared by every API but Invoke and GetFunction):
 * a bucket of one second's worth of requests, refilled continuously on the emulator's clock. A refused request
 * gets TooManyRequestsException with Retry-After, as AWS sends it. Every request is counted per second, so a test
 * can check what a caller really sent, throttled or not.
 */
export class RateQuota {
  private tokens: number;
  private at: number;
  private readonly counts = new Map<number, { accepted: number; throttled: number }>();
  private accepted = 0;
  private throttled = 0;

  constructor(
    private readonly perSecond: number,
    private readonly now: () => number,
  ) {
    this.tokens = perSecond;
    this.at = now();
  }

  /** Takes one request's worth, or throws TooManyRequestsException (CallerRateLimitExceeded). */
  take(): void {
    const now = this.now();
    this.tokens = Math.min(this.perSecond, this.tokens + ((now - this.at) / 1000) * this.perSecond);
    this.at = now;
    const count = this.countFor(Math.floor(now / 1000));
    if (this.tokens < 1) {
      count.throttled += 1;
      this.throttled += 1;
      // Whole seconds until a token is back, at least one (AWS sends whole seconds).
      const wait = Math.max(1, Math.ceil((1 - this.tokens) / this.perSecond));
      throw new AwsError(
        'TooManyRequestsException',
        'Rate exceeded',
        429,
        { Type: 'User', Reason: 'CallerRateLimitExceeded' },
        { 'retry-after': String(wait) },
      );
    }
    count.accepted += 1;
    this.accepted += 1;
    this.tokens -= 1;
  }

  snapshot(): QuotaSnapshot {
    const seconds = [...this.counts.entries()]
      .sort(([a], [b]) => a - b)
      .map(([second, count]) => ({ second, ...count }));
    return { perSecond: this.perSecond, seconds, accepted: this.accepted, throttled: this.throttled };
  }

  /** Forgets the counts (not the bucket), so a test can measure one phase. */
  resetCounts(): void {
    this.counts.clear();
    this.accepted = 0;
    this.throttled = 0;
  }

  private countFor(second: number): { accepted: number; throttled: number } {
    let count = this.counts.get(second);
    if (count === undefined) {
      count = { accepted: 0, throttled: 0 };
      this.counts.set(second, count);
      if (this.counts.size > QUOTA_HISTORY_SECONDS) {
        const oldest = this.counts.keys().next().value;
        if (oldest !== undefined) this.counts.delete(oldest);
      }
    }
    return count;
  }
}
