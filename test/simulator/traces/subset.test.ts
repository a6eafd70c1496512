import { resolve } from 'node:path';
import { loadTrace } from '../../../simulator/traces/load';
import { functionsNamed, subsetOf, UnknownTraceFunctionError } from '../../../simulator/traces/subset';
import type { Trace } from '../../../simulator/traces/types';

const FIXTURES = resolve(__dirname, '../../fixtures/traces');
/** The shared real traces sit next to the repository (../shared/traces from its root), locally and in CI. */
const SHARED = resolve(__dirname, '../../../../shared/traces');

function drain(trace: Trace, seed = 1) {
  const source = trace.arrivals(seed);
  const arrivals: Array<[number, number, number]> = [];
  for (let batch = source.next(); batch; batch = source.next()) {
    for (let i = 0; i < batch.count; i++) arrivals.push([batch.time[i], batch.fn[i], batch.durationMs[i]]);
  }
  return arrivals;
}

describe('a subset of a trace', () => {
  const trace = loadTrace(resolve(FIXTURES, 'azure2019-tiny'));

  it('keeps the chosen functions’ own arrivals, renumbered in the order chosen', () => {
    const subset = subsetOf(trace, [2, 0]);
    expect(subset.functions.map((fn) => fn.name)).toEqual([trace.functions[2].name, trace.functions[0].name]);
    expect(subset.invocations).toBe(trace.functions[2].invocations + trace.functions[0].invocations);
    const whole = drain(trace);
    const expected = whole
      .filter(([, fn]) => fn === 0 || fn === 2)
      .map(([time, fn, duration]) => [time, fn === 2 ? 0 : 1, duration]);
    expect(drain(subset)).toEqual(expected);
    expect(expected.length).toBe(subset.invocations);
    expect(subset.name).toBe(`${trace.name} (2 of 3 functions)`);
  });

  it('draws a function’s durations as the whole trace does', () => {
    const subset = subsetOf(trace, [1]);
    if (!trace.durations || !subset.durations) throw new Error('azure2019 traces draw durations');
    const whole = trace.durations(7);
    const alone = subset.durations(7);
    expect([alone.draw(0), alone.draw(0)]).toEqual([whole.draw(1), whole.draw(1)]);
  });

  it('refuses no function, one out of range, and one chosen twice', () => {
    expect(() => subsetOf(trace, [])).toThrow(/at least one function/);
    expect(() => subsetOf(trace, [3])).toThrow(/has no function 3/);
    expect(() => subsetOf(trace, [1, 1])).toThrow(/function 1 is in the subset twice/);
  });

  it('finds functions by id, by name or by the start of either, in trace order, and names one it cannot find', () => {
    const [first, , third] = trace.functions;
    expect(functionsNamed(trace, [third.id, first.name])).toEqual([0, 2]);
    expect(functionsNamed(trace, [first.name.slice(0, 1)])).toEqual(
      trace.functions.flatMap((fn, index) => (fn.name.startsWith(first.name.slice(0, 1)) ? [index] : [])),
    );
    expect(() => functionsNamed(trace, ['zz-none'])).toThrow(UnknownTraceFunctionError);
    expect(() => functionsNamed(trace, ['zz-none'])).toThrow(/no function named or starting with "zz-none"/);
  });

  it('cuts one function out of a real trace with exactly its requests, over batches the parent reuses', () => {
    const real = loadTrace(resolve(SHARED, 'azure2019_invitro_sample100'));
    const busiest = real.functions.reduce(
      (best, fn, index) => (fn.invocations > real.functions[best].invocations ? index : best),
      0,
    );
    const alone = drain(subsetOf(real, [busiest]), 3);
    expect(alone.length).toBe(real.functions[busiest].invocations);
    expect(alone.every(([, fn]) => fn === 0)).toBe(true);
    expect(alone.every(([time], i) => i === 0 || alone[i - 1][0] <= time)).toBe(true);
  });
});
