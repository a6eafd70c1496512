import type { Clock } from '../clock';
import { TimeBudgetError } from '../errors';
import type { AutoScalingApi, LambdaControl } from './ports';

/**
 * A requests-per-second limiter (generic cell rate algorithm): calls go out at `rps` on average, with bursts of
 * up to `burst`, in the order they asked. Lambda's control plane allows ~15 requests/second per account and
 * Region, shared by every caller, so the controller keeps well below it instead of provoking throttles.
 */
export class RateLimiter {
  private theoreticalArrival = Number.NEGATIVE_INFINITY;
  /** Fraction of the rate this caller may use: a tick split into N shards gives each 1/N of the account's quota. */
  share = 1;
  /**
   * Epoch ms past which no call may wait: a call whose turn would come later fails at once with TimeBudgetError,
   * so a long queue cannot carry the tick past its time budget (the invocation's timeout).
   */
  deadline = Number.POSITIVE_INFINITY;

  constructor(
    readonly rps: number,
    readonly burst: number,
    private readonly clock: Clock,
  ) {}

  async take(): Promise<void> {
    const interval = 1000 / (this.rps * this.share);
    const now = this.clock.now();
    const arrival = Math.max(this.theoreticalArrival, now);
    const wait = arrival - (this.burst - 1) * interval - now;
    if (now + Math.max(0, wait) > this.deadline) {
      throw new TimeBudgetError(
        `not sent: its turn under the rate limit (${Math.ceil(wait)} ms from now) is past the tick's time budget`,
        { rateLimited: true },
      );
    }
    this.theoreticalArrival = arrival + interval;
    if (wait > 0) await this.clock.sleep(wait);
  }
}

function limited<T extends object>(api: T, limiterOf: (method: string) => RateLimiter): T {
  // A proxy rather than a copy, so class-based implementations (prototype methods) are limited too.
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const limiter = limiterOf(property);
      return async (...args: unknown[]) => {
        try {
          await limiter.take();
        } catch (error) {
          // Named after the operation, so the report says which call was not sent.
          if (error instanceof TimeBudgetError) {
            throw new TimeBudgetError(`${property[0].toUpperCase()}${property.slice(1)} ${error.message}`, {
              rateLimited: true,
            });
          }
          throw error;
        }
        return value.apply(target, args);
      };
    },
  });
}

/** GetFunction has its own 100 rps quota; everything else shares the control plane's. */
export function rateLimitedLambda(
  api: LambdaControl,
  limiters: { control: RateLimiter; getFunction: RateLimiter },
): LambdaControl {
  return limited(api, (method) => (method === 'getFunction' ? limiters.getFunction : limiters.control));
}

export function rateLimitedAutoScaling(api: AutoScalingApi, limiter: RateLimiter): AutoScalingApi {
  return limited(api, () => limiter);
}
