import type { Clock } from '../clock';
import { errorName, httpStatus, TimeBudgetError } from '../errors';
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
    // A shard's burst shrinks with its share too: N shards starting together must not send N full bursts.
    const burst = Math.max(1, Math.floor(this.burst * this.share));
    const now = this.clock.now();
    const arrival = Math.max(this.theoreticalArrival, now);
    const wait = arrival - (burst - 1) * interval - now;
    if (now + Math.max(0, wait) > this.deadline) {
      throw new TimeBudgetError(
        `not sent: its turn under the rate limit (${Math.ceil(wait)} ms from now) is past the tick's time budget`,
        { rateLimited: true },
      );
    }
    this.theoreticalArrival = arrival + interval;
    if (wait > 0) await this.clock.sleep(wait);
  }

  /** Holds every later call back for `ms` (after a throttle: the quota is spent, whoever spent it). */
  backOff(ms: number): void {
    this.theoreticalArrival = Math.max(this.theoreticalArrival, this.clock.now() + ms);
  }
}

/** Something a call must pass before it is sent: the local limiter, the account-wide budget. */
export interface RateGate {
  take(): Promise<void>;
  backOff?(ms: number): void;
}

export interface RetryOptions {
  /** Attempts per call, the first included; throttles and server errors are retried. @default 3 */
  readonly attempts?: number;
  /** @default Math.random */
  readonly random?: () => number;
  readonly clock?: Clock;
}

/** True for Lambda's TooManyRequestsException and any other 429. */
export function isThrottle(error: unknown): boolean {
  return errorName(error) === 'TooManyRequestsException' || httpStatus(error) === 429;
}

/**
 * How long to hold back after a throttle: the Retry-After AWS sent (else a second), doubled per attempt, with
 * "equal jitter" (half fixed, half random) so callers throttled together do not come back together.
 */
export function throttleBackOffMs(error: unknown, attempt: number, random: () => number): number {
  const retryAfter = Number((error as { retryAfterSeconds?: string } | undefined)?.retryAfterSeconds);
  const base = (Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : 1) * 1000 * 2 ** (attempt - 1);
  const capped = Math.min(base, 8_000);
  return capped / 2 + (random() * capped) / 2;
}

function limited<T extends object>(
  api: T,
  gatesOf: (method: string) => readonly RateGate[],
  retry: RetryOptions = {},
): T {
  const attempts = Math.max(1, retry.attempts ?? 1);
  const random = retry.random ?? Math.random;
  // A proxy rather than a copy, so class-based implementations (prototype methods) are limited too.
  return new Proxy(api, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const gates = gatesOf(property);
      return async (...args: unknown[]) => {
        // Every attempt passes the gates again: a retry is a request like any other to the account's quota.
        for (let attempt = 1; ; attempt++) {
          try {
            for (const gate of gates) await gate.take();
          } catch (error) {
            // Named after the operation, so the report says which call was not sent.
            if (error instanceof TimeBudgetError) {
              throw new TimeBudgetError(`${property[0].toUpperCase()}${property.slice(1)} ${error.message}`, {
                rateLimited: true,
                cause: error,
              });
            }
            throw error;
          }
          try {
            return await value.apply(target, args);
          } catch (error) {
            const throttled = isThrottle(error);
            const status = httpStatus(error);
            if (!throttled && !(status !== undefined && status >= 500)) throw error;
            if (throttled) {
              const pause = throttleBackOffMs(error, attempt, random);
              for (const gate of gates) gate.backOff?.(pause);
            }
            if (attempt >= attempts) throw error;
            if (!throttled && retry.clock) await retry.clock.sleep(100 * 2 ** (attempt - 1) * (0.5 + random() / 2));
          }
        }
      };
    },
  });
}

/** The gates of Lambda's two control-plane quotas: local limiters, and the account-wide budgets when shared. */
export interface LambdaGates {
  readonly control: RateGate;
  readonly getFunction: RateGate;
  readonly sharedControl?: RateGate;
  readonly sharedGetFunction?: RateGate;
}

/** GetFunction has its own 100 rps quota; everything else shares the control plane's. */
export function rateLimitedLambda<T extends object = LambdaControl>(
  api: T,
  gates: LambdaGates,
  retry: RetryOptions = {},
): T {
  const control = gates.sharedControl ? [gates.control, gates.sharedControl] : [gates.control];
  const getFunction = gates.sharedGetFunction ? [gates.getFunction, gates.sharedGetFunction] : [gates.getFunction];
  return limited(api, (method) => (method === 'getFunction' ? getFunction : control), retry);
}

export function rateLimitedAutoScaling(api: AutoScalingApi, limiter: RateGate): AutoScalingApi {
  return limited(api, () => [limiter]);
}
