import type { ClientContext, Context } from 'aws-lambda';

interface Timer {
  readonly at: number;
  readonly resolve: () => void;
}

/**
 * A virtual clock for the helper's injected `now` and `sleep`. Time moves only when `settle` finds nothing left to
 * do but wait, so holds of seconds run instantly and always in the same order.
 */
export class FakeClock {
  private time: number;
  private timers: Timer[] = [];
  /** Every sleep requested, in ms, in order. */
  readonly sleeps: number[] = [];

  constructor(start = 1_764_000_000_000) {
    this.time = start;
  }

  readonly now = (): number => this.time;

  readonly sleep = (ms: number, signal?: AbortSignal): Promise<void> => {
    this.sleeps.push(ms);
    return new Promise<void>((resolve) => {
      const timer: Timer = { at: this.time + ms, resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((t) => t !== timer);
          resolve();
        },
        { once: true },
      );
    });
  };

  /** Moves time forward by `ms` without firing timers, as code that computes for a while would. */
  advance(ms: number): void {
    this.time += ms;
  }

  /** Runs the virtual timeline until `promise` settles, firing timers in due order. */
  async settle<T>(promise: Promise<T>): Promise<T> {
    let settled = false;
    promise.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    for (let step = 0; step < 10_000; step += 1) {
      await new Promise((resolve) => setImmediate(resolve));
      if (settled) return promise;
      if (this.timers.length === 0) throw new Error('FakeClock: the promise waits on something other than the clock');
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift()!;
      this.time = Math.max(this.time, next.at);
      next.resolve();
    }
    throw new Error('FakeClock: too many steps');
  }
}

export interface ContextOverrides {
  readonly remainingMs?: number;
  readonly functionName?: string;
  readonly functionVersion?: string;
  readonly invokedFunctionArn?: string;
  readonly logStreamName?: string;
  readonly clientContext?: { custom?: unknown };
}

/**
 * A complete Lambda context (the runtime's shape, so middy accepts it too) whose remaining time counts down on the
 * fake clock from the moment it is made.
 */
export function fakeContext(clock: FakeClock, overrides: ContextOverrides = {}): Context {
  const deadline = clock.now() + (overrides.remainingMs ?? 3_000);
  const functionName = overrides.functionName ?? 'checkout-api';
  const unsupported = () => {
    throw new Error('deprecated context method');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: overrides.functionVersion ?? '7',
    invokedFunctionArn:
      overrides.invokedFunctionArn ?? `arn:aws:lambda:eu-west-1:123456789012:function:${functionName}:live`,
    memoryLimitInMB: '512',
    awsRequestId: 'c6af9ac6-7b61-11e6-9a41-93e812345678',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: overrides.logStreamName ?? '',
    ...(overrides.clientContext === undefined ? {} : { clientContext: overrides.clientContext as ClientContext }),
    getRemainingTimeInMillis: () => deadline - clock.now(),
    done: unsupported,
    fail: unsupported,
    succeed: unsupported,
  };
}

/** Collects what the helper writes, one entry per line. */
export function lineSink(): { write: (line: string) => void; lines: string[] } {
  const lines: string[] = [];
  return { write: (line: string) => lines.push(line), lines };
}
