import { lambdaErrors } from '../errors';

/**
 * A requests-per-second quota like Lambda's control plane (15/s shared by every API but Invoke and GetFunction):
 * a bucket of one second's worth of requests, refilled continuously on the emulator's clock.
 */
export class RateQuota {
  private tokens: number;
  private at: number;

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
    if (this.tokens < 1) throw lambdaErrors.tooManyRequests('CallerRateLimitExceeded', 'Rate exceeded');
    this.tokens -= 1;
  }
}
