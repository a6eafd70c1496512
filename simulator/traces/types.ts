import type { Citation } from './citation';

export type TraceFormat = 'azure2019' | 'azure2021' | 'memory';

/** One function of a trace. Trace functions are anonymous hashes; `name` is what a policy may name. */
export interface TraceFunction {
  /** Unique within the trace (the app hash and the function hash). */
  readonly id: string;
  /** The function hash, matched against a policy's `function`. */
  readonly name: string;
  readonly app: string;
  readonly trigger: string | undefined;
  /** Lambda memory size derived from the trace, when the trace has memory data. */
  readonly memoryMb: number | undefined;
  readonly invocations: number;
  readonly meanDurationMs: number;
}

/**
 * A batch of arrivals in time order. The arrays are reused by the next call to `next()`: copy what must outlive it.
 * Times are milliseconds from midnight of the trace's first day (2019) or from the trace start (2021).
 */
export interface ArrivalBatch {
  readonly count: number;
  readonly time: Float64Array;
  readonly fn: Int32Array;
  readonly durationMs: Float64Array;
}

export interface ArrivalSource {
  next(): ArrivalBatch | undefined;
}

export interface Trace {
  readonly name: string;
  readonly format: TraceFormat;
  /** The files it was read from. */
  readonly files: readonly string[];
  readonly functions: readonly TraceFunction[];
  /** Start and end of the traced period, ms on the same clock as arrival times. */
  readonly startMs: number;
  readonly endMs: number;
  readonly invocations: number;
  readonly citation: Citation;
  /** How arrivals are placed inside a counted minute (2019 only), for the report. */
  readonly arrivalRule: string;
  /** How each invocation's duration is chosen, for the report; absent when durations are taken as recorded. */
  readonly durationRule?: string;
  /**
   * The per-function duration draws that `arrivals` uses, for checking the duration model on its own; absent when
   * durations are taken as recorded.
   */
  durations?(seed: number): { draw(fn: number): number };
  /** Streams every arrival in time order; the same seed gives the same arrivals. */
  arrivals(seed: number): ArrivalSource;
}
