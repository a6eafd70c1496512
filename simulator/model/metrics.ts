const MINUTE_MS = 60_000;
/** Minutes kept per function; readers look back at most ~45 minutes while long invocations write ahead. */
const RING = 64;

/** One function's CloudWatch-style numbers for one minute. */
export interface MinuteSample {
  /** Invocations that started in the minute, pings included (Lambda's Invocations metric). */
  readonly invocations: number;
  /** Busy environment-milliseconds in the minute (ConcurrentExecutions × time). */
  readonly busyMs: number;
  /** Busy provisioned environment-milliseconds (for ProvisionedConcurrencyUtilization). */
  readonly provisionedBusyMs: number;
  /** Highest concurrency seen at an arrival in the minute. */
  readonly peak: number;
}

/**
 * Per-function, per-minute metrics in a ring of recent minutes, what a controller or Application Auto Scaling
 * would read from CloudWatch. Only kept when a strategy needs them, since it costs a little per invocation.
 */
export class MinuteMetrics {
  private readonly minuteOf: Float64Array;
  private readonly invocations: Float64Array;
  private readonly busy: Float64Array;
  private readonly pcBusy: Float64Array;
  private readonly peaks: Float64Array;

  constructor(functions: number) {
    const n = functions * RING;
    this.minuteOf = new Float64Array(n).fill(-1);
    this.invocations = new Float64Array(n);
    this.busy = new Float64Array(n);
    this.pcBusy = new Float64Array(n);
    this.peaks = new Float64Array(n);
  }

  private slot(fn: number, minute: number): number {
    const i = fn * RING + (minute & (RING - 1));
    if (this.minuteOf[i] !== minute) {
      this.minuteOf[i] = minute;
      this.invocations[i] = 0;
      this.busy[i] = 0;
      this.pcBusy[i] = 0;
      this.peaks[i] = 0;
    }
    return i;
  }

  /** Records an invocation on `fn` busy over [start, end), and the concurrency it brought the function to. */
  record(fn: number, arrival: number, start: number, end: number, provisioned: boolean, concurrency: number): void {
    const i = this.slot(fn, Math.floor(arrival / MINUTE_MS));
    this.invocations[i]++;
    if (concurrency > this.peaks[i]) this.peaks[i] = concurrency;
    const target = provisioned ? this.pcBusy : this.busy;
    let s = start;
    while (s < end) {
      const minute = Math.floor(s / MINUTE_MS);
      const edge = (minute + 1) * MINUTE_MS;
      const part = (end < edge ? end : edge) - s;
      const j = this.slot(fn, minute);
      target[j] += part;
      if (provisioned) this.busy[j] += part;
      s = edge;
    }
  }

  /** The minute with index `minute` (floor(t / 60 s)); zeros when nothing happened or it left the ring. */
  read(fn: number, minute: number): MinuteSample {
    const i = fn * RING + (minute & (RING - 1));
    if (this.minuteOf[i] !== minute) return { invocations: 0, busyMs: 0, provisionedBusyMs: 0, peak: 0 };
    return {
      invocations: this.invocations[i],
      busyMs: this.busy[i],
      provisionedBusyMs: this.pcBusy[i],
      peak: this.peaks[i],
    };
  }
}
