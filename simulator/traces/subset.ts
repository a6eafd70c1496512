import type { ArrivalBatch, ArrivalSource, Trace } from './types';

/**
 * A trace of some of another's functions, as an account that runs only those would see them: the same arrivals
 * (each function's own under a seed), renumbered. The functions are named by their index in `trace.functions`.
 */
export function subsetOf(trace: Trace, indexes: readonly number[], name?: string): Trace {
  if (indexes.length === 0) throw new RangeError('a subset of a trace needs at least one function');
  const renumber = new Int32Array(trace.functions.length).fill(-1);
  indexes.forEach((index, position) => {
    if (!Number.isInteger(index) || index < 0 || index >= trace.functions.length)
      throw new RangeError(`trace ${trace.name} has no function ${index}`);
    if (renumber[index] >= 0) throw new RangeError(`function ${index} is in the subset twice`);
    renumber[index] = position;
  });
  const functions = indexes.map((index) => trace.functions[index]);
  const parentDurations = trace.durations;
  return {
    ...trace,
    name: name ?? `${trace.name} (${functions.length} of ${trace.functions.length} functions)`,
    functions,
    invocations: functions.reduce((sum, fn) => sum + fn.invocations, 0),
    ...(parentDurations
      ? {
          durations: (seed: number) => {
            const parent = parentDurations(seed);
            return { draw: (fn: number) => parent.draw(indexes[fn]) };
          },
        }
      : {}),
    arrivals: (seed: number) => kept(trace.arrivals(seed), renumber),
  };
}

/** A function asked for by name that the trace does not have. */
export class UnknownTraceFunctionError extends Error {
  override readonly name = 'UnknownTraceFunctionError';
}

/**
 * The indexes of the functions `wanted` names, in trace order: each entry a function's id (`app/function`), its
 * name (the hash a policy names; every function of that name), or the start of either (a hash copied from a report's
 * shortened form). Throws UnknownTraceFunctionError for an entry that matches none.
 */
export function functionsNamed(trace: Trace, wanted: readonly string[]): number[] {
  const picked = new Set<number>();
  for (const entry of wanted) {
    const matches = trace.functions.flatMap((fn, index) =>
      fn.id.startsWith(entry) || fn.name.startsWith(entry) ? [index] : [],
    );
    if (entry === '' || matches.length === 0)
      throw new UnknownTraceFunctionError(`trace ${trace.name} has no function named or starting with "${entry}"`);
    for (const index of matches) picked.add(index);
  }
  return [...picked].sort((a, b) => a - b);
}

/** The parent's batches with only the subset's arrivals, in arrays of its own (the parent reuses its arrays). */
function kept(source: ArrivalSource, renumber: Int32Array): ArrivalSource {
  let time = new Float64Array(1024);
  let fn = new Int32Array(1024);
  let durationMs = new Float64Array(1024);
  return {
    next(): ArrivalBatch | undefined {
      for (;;) {
        const batch = source.next();
        if (batch === undefined) return undefined;
        if (time.length < batch.count) {
          time = new Float64Array(batch.count);
          fn = new Int32Array(batch.count);
          durationMs = new Float64Array(batch.count);
        }
        let count = 0;
        for (let i = 0; i < batch.count; i++) {
          const position = renumber[batch.fn[i]];
          if (position < 0) continue;
          time[count] = batch.time[i];
          fn[count] = position;
          durationMs[count] = batch.durationMs[i];
          count++;
        }
        if (count > 0) return { count, time, fn, durationMs };
      }
    },
  };
}
