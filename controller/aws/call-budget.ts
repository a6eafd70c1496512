import type { Clock } from '../clock';
import { CallTimeoutError, TimeBudgetError } from '../errors';

/**
 * Bounds every AWS call in time: each gets an abort signal that fires after `callTimeoutMs` or at the tick's
 * deadline, whichever comes first, covering connecting, sending, the SDK's own retries and reading the answer. A
 * control-plane call that hangs therefore costs its own target at most that long and never carries the tick past
 * its invocation's timeout.
 */
export class CallBudget {
  /** Epoch ms at which every call still in flight is aborted (the tick's time budget); set per tick. */
  deadline = Number.POSITIVE_INFINITY;

  /**
   * The deadline a call was cut at: spent from then on, even if the clock reads a millisecond short of it (a timer
   * may fire that early by the wall clock, and the budget must not send another call after cutting one).
   */
  private cutAt: number | undefined;

  constructor(
    readonly callTimeoutMs: number,
    private readonly clock: Clock,
  ) {}

  async run<T>(operation: string, call: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const left = this.deadline - this.clock.now();
    if (left <= 0 || this.cutAt === this.deadline) {
      throw new TimeBudgetError(`${operation} not sent: the tick's time budget is spent`);
    }
    const byDeadline = left < this.callTimeoutMs;
    const limit = Math.max(1, Math.floor(Math.min(this.callTimeoutMs, left)));
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), limit);
    try {
      return await call(controller.signal);
    } catch (error) {
      if (!controller.signal.aborted) throw error;
      if (byDeadline) {
        this.cutAt = this.deadline;
        throw new TimeBudgetError(`${operation} gave no answer before the tick's time budget ran out (${limit} ms)`, {
          cause: error,
        });
      }
      throw new CallTimeoutError(`${operation} gave no answer within ${limit} ms`, { cause: error });
    } finally {
      clearTimeout(timer);
    }
  }
}
