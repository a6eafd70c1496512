import type { Citation } from './citation';
import type { ArrivalBatch, ArrivalSource, Trace, TraceFunction } from './types';

export interface MemoryTraceInput {
  readonly name?: string;
  readonly functions: ReadonlyArray<{ readonly name: string; readonly memoryMb?: number }>;
  /** Arrivals in any order: function index, time (ms) and duration (ms). */
  readonly arrivals: ReadonlyArray<{ readonly fn: number; readonly t: number; readonly durationMs: number }>;
  readonly startMs?: number;
  readonly endMs?: number;
}

const HAND_MADE: Citation = {
  dataset: 'hand-made trace',
  paper: 'Not derived from a published dataset.',
  description: 'arrivals given in code',
  licence: 'no licence applies',
};

/** A trace built from arrivals held in memory: for tests, and for callers who generate their own traffic. */
export function memoryTrace(input: MemoryTraceInput): Trace {
  const sorted = [...input.arrivals].sort((a, b) => a.t - b.t);
  for (const a of sorted) {
    if (!(a.fn >= 0 && a.fn < input.functions.length))
      throw new RangeError(`arrival names function ${a.fn}, which does not exist`);
  }
  const counts = input.functions.map(() => 0);
  const sums = input.functions.map(() => 0);
  for (const a of sorted) {
    counts[a.fn]++;
    sums[a.fn] += a.durationMs;
  }
  const functions: TraceFunction[] = input.functions.map((fn, i) => ({
    id: `memory/${fn.name}`,
    name: fn.name,
    app: 'memory',
    trigger: undefined,
    memoryMb: fn.memoryMb,
    invocations: counts[i],
    meanDurationMs: counts[i] > 0 ? sums[i] / counts[i] : 0,
  }));
  const time = Float64Array.from(sorted, (a) => a.t);
  const fn = Int32Array.from(sorted, (a) => a.fn);
  const durationMs = Float64Array.from(sorted, (a) => a.durationMs);
  const last = sorted.length > 0 ? sorted[sorted.length - 1].t + sorted[sorted.length - 1].durationMs : 0;
  return {
    name: input.name ?? 'memory',
    format: 'memory',
    files: [],
    functions,
    startMs: input.startMs ?? 0,
    endMs: input.endMs ?? Math.ceil((last + 1) / 60_000) * 60_000,
    invocations: sorted.length,
    citation: HAND_MADE,
    arrivalRule: 'arrivals as given',
    arrivals: (): ArrivalSource => {
      let given = false;
      return {
        next: (): ArrivalBatch | undefined => {
          if (given || sorted.length === 0) return undefined;
          given = true;
          return { count: sorted.length, time, fn, durationMs };
        },
      };
    },
  };
}
