/**
 * The emulator's sense of time for everything Lambda decides on a schedule: idle reclaim, maximum lifetime,
 * provisioned-concurrency allocation, scaling and API rate windows, metric timestamps, Auto Scaling.
 * Handlers themselves always run on real time (their timeouts and getRemainingTimeInMillis are real).
 */
export interface Clock {
  now(): number;
  setTimeout(callback: () => void, ms: number): ClockTimer;
  clearTimeout(timer: ClockTimer): void;
}

export interface ClockTimer {
  readonly dueAt: number;
}

/** Wall-clock time; timers are unref'd so a forgotten emulator never keeps a process alive on its own. */
export function realClock(): Clock {
  const handles = new WeakMap<ClockTimer, NodeJS.Timeout>();
  return {
    now: () => Date.now(),
    setTimeout(callback, ms) {
      const timer: ClockTimer = { dueAt: Date.now() + ms };
      const handle = setTimeout(callback, Math.max(0, ms));
      handle.unref();
      handles.set(timer, handle);
      return timer;
    },
    clearTimeout(timer) {
      const handle = handles.get(timer);
      if (handle) clearTimeout(handle);
      handles.delete(timer);
    },
  };
}

interface ManualTimer extends ClockTimer {
  readonly seq: number;
  readonly callback: () => void;
}

/**
 * A clock that moves only when told to, for tests: `advance(ms)` fires every timer that falls due, in order,
 * including timers set by the callbacks it fires.
 */
export class ManualClock implements Clock {
  private current: number;
  private seq = 0;
  private readonly timers = new Set<ManualTimer>();

  constructor(start = Date.UTC(2026, 10, 23, 12, 0, 0)) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  setTimeout(callback: () => void, ms: number): ClockTimer {
    const timer: ManualTimer = { dueAt: this.current + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.add(timer);
    return timer;
  }

  clearTimeout(timer: ClockTimer): void {
    this.timers.delete(timer as ManualTimer);
  }

  /** Moves time forward, firing due timers; resolves once the work they started has had a chance to run. */
  async advance(ms: number): Promise<void> {
    const target = this.current + ms;
    for (;;) {
      let next: ManualTimer | undefined;
      for (const timer of this.timers) {
        if (timer.dueAt > target) continue;
        if (!next || timer.dueAt < next.dueAt || (timer.dueAt === next.dueAt && timer.seq < next.seq)) next = timer;
      }
      if (!next) break;
      this.timers.delete(next);
      this.current = Math.max(this.current, next.dueAt);
      next.callback();
    }
    this.current = target;
    await new Promise((resolve) => setImmediate(resolve));
  }

  /** Number of timers waiting; lets tests assert that nothing is scheduled. */
  pending(): number {
    return this.timers.size;
  }
}
