import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { TraceFormatError } from '../../../simulator/traces/csv';
import { loadTrace } from '../../../simulator/traces/load';
import type { Trace } from '../../../simulator/traces/types';

const FIXTURES = resolve(__dirname, '../../fixtures/traces');
/** The shared real traces sit next to the repository (../shared/traces from its root), locally and in CI. */
const SHARED = resolve(__dirname, '../../../../shared/traces');

function drain(trace: Trace, seed = 1) {
  const source = trace.arrivals(seed);
  const time: number[] = [];
  const fn: number[] = [];
  const duration: number[] = [];
  for (let batch = source.next(); batch; batch = source.next()) {
    for (let i = 0; i < batch.count; i++) {
      time.push(batch.time[i]);
      fn.push(batch.fn[i]);
      duration.push(batch.durationMs[i]);
    }
  }
  return { time, fn, duration };
}

const sorted = (values: number[]) => values.every((v, i) => i === 0 || values[i - 1] <= v);

describe('Azure 2019 loader', () => {
  const trace = loadTrace(resolve(FIXTURES, 'azure2019-tiny'));

  it('reads columns by name, whatever their order', () => {
    expect(trace.format).toBe('azure2019');
    expect(trace.functions.map((f) => [f.name, f.app, f.trigger, f.invocations])).toEqual([
      ['fa', 'app1', 'http', 4],
      ['fb', 'app1', 'timer', 2],
      ['fc', 'app2', 'queue', 5],
    ]);
    expect(trace.invocations).toBe(11);
    expect(trace.startMs).toBe(0);
    expect(trace.endMs).toBe(5 * 60_000);
    expect(trace.citation.paper).toMatch(/Serverless in the Wild/);
  });

  it('splits per-app memory evenly among the app’s functions, at least 128 MB', () => {
    // app1's 99th percentile is 512 MB for two functions; app2's 100 MB is below Lambda's minimum.
    expect(trace.functions.map((f) => f.memoryMb)).toEqual([256, 256, 128]);
  });

  it('spreads each minute’s count of finished invocations inside that minute, arrivals sorted, with durations from the percentiles', () => {
    const { time, fn, duration } = drain(trace);
    expect(time).toHaveLength(11);
    expect(sorted(time)).toBe(true);
    // the trace counts invocations in the minute they finished: each ends there, its duration after it arrived
    const inMinute = (f: number, m: number) =>
      time.filter((t, i) => fn[i] === f && t + duration[i] >= m * 60_000 && t + duration[i] < (m + 1) * 60_000).length;
    expect([inMinute(0, 0), inMinute(0, 3), inMinute(1, 1), inMinute(2, 4)]).toEqual([3, 1, 2, 1]);
    for (let i = 0; i < fn.length; i++) {
      if (fn[i] === 0) expect(duration[i]).toBeGreaterThanOrEqual(100);
      if (fn[i] === 0) expect(duration[i]).toBeLessThanOrEqual(200);
      if (fn[i] === 1) expect(duration[i]).toBe(100); // no durations row: the default
      if (fn[i] === 2) expect(duration[i]).toBe(50);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(drain(trace, 5)).toEqual(drain(trace, 5));
    expect(drain(trace, 5).time).not.toEqual(drain(trace, 6).time);
  });

  it('can space arrivals evenly instead', () => {
    const even = loadTrace(resolve(FIXTURES, 'azure2019-tiny'), { spread: 'equidistant' });
    const { time, fn, duration } = drain(even);
    const ends = time.map((t, i) => Math.round(t + duration[i]));
    expect(ends.filter((end, i) => fn[i] === 0 && end < 60_000)).toEqual([10_000, 30_000, 50_000]);
    expect(even.arrivalRule).toMatch(/evenly spaced/);
  });

  it('has long invocations arrive minutes before the minute that counts them, in order across minutes', () => {
    // one function of 4-minute requests, one of 1 ms, each counted once a minute for 10 minutes
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-finished-'));
    try {
      const minutes = Array.from({ length: 10 }, (_, m) => m + 1);
      writeFileSync(
        join(dir, 'invocations.csv'),
        `HashOwner,HashApp,HashFunction,Trigger,${minutes.join(',')}\n` +
          `o,a,long,timer,${minutes.map(() => 1).join(',')}\n` +
          `o,a,short,http,${minutes.map(() => 1).join(',')}\n`,
      );
      const row = (name: string, ms: number) => `o,a,${name},${ms},10,${ms},${ms},${Array(7).fill(ms).join(',')}`;
      writeFileSync(
        join(dir, 'durations.csv'),
        `HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,${[0, 1, 25, 50, 75, 99, 100].map((p) => `percentile_Average_${p}`).join(',')}\n${row('long', 240_000)}\n${row('short', 1)}\n`,
      );
      const finished = loadTrace(dir);
      expect(finished.arrivalRule).toMatch(/finished/);
      const { time, fn, duration } = drain(finished, 4);
      expect(sorted(time)).toBe(true);
      expect(time).toHaveLength(20);
      const long = time.filter((_, i) => fn[i] === 0);
      // counted in minutes 0–9, so arriving 4 minutes before their ends, and never before the trace starts
      expect(long.filter((t) => t === 0).length).toBe(4);
      for (const [i, t] of time.entries()) {
        if (fn[i] === 0 && t > 0) expect(Math.floor((t + duration[i]) / 60_000) - Math.floor(t / 60_000)).toBe(4);
      }
      // the same counts read as a CloudWatch export's: the minute is the arrival's
      const started = loadTrace(dir, { countedAt: 'started' });
      const at = drain(started, 4);
      expect(at.time.filter((_, i) => at.fn[i] === 0).map((t) => Math.floor(t / 60_000))).toEqual(
        minutes.map((m) => m - 1),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('pairs an upstream day file with the same day’s durations and memory', () => {
    const day2 = loadTrace(resolve(FIXTURES, 'azure2019-upstream-names/invocations_per_function_md.anon.d02.csv'));
    expect(day2.invocations).toBe(10);
    expect(day2.functions[0].meanDurationMs).toBe(20);
    expect(day2.functions[0].memoryMb).toBe(700);
    expect(() => loadTrace(resolve(FIXTURES, 'azure2019-upstream-names'))).toThrow(/several invocations files/);
  });
});

describe('Azure 2021 loader', () => {
  const trace = loadTrace(resolve(FIXTURES, 'azure2021-tiny.csv'));

  it('takes arrival = end − duration, sorts the rows and keys functions by app and func', () => {
    const { time, fn, duration } = drain(trace);
    expect(time).toEqual([1000, 1250, 9250, 10_000, 60_000]);
    expect(duration).toEqual([2000, 0, 750, 500, 1000]);
    expect(trace.functions.map((f) => f.id)).toEqual(['a1/f1', 'a2/f1', 'a2/f2']);
    expect(fn).toEqual([0, 1, 0, 0, 2]);
    expect(trace.functions[0].memoryMb).toBeUndefined();
    expect(trace.endMs).toBe(120_000);
    expect(trace.citation.paper).toMatch(/Harvested Resources/);
  });
});

describe('bad input', () => {
  it('names the file and the missing column', () => {
    expect(() => loadTrace(resolve(FIXTURES, 'bad/azure2019-no-function.csv'))).toThrow(
      /azure2019-no-function\.csv:1: missing column "HashFunction"/,
    );
  });

  it('names the line of a cell that is not a number', () => {
    expect(() => loadTrace(resolve(FIXTURES, 'bad/azure2021-bad-number.csv'))).toThrow(
      /azure2021-bad-number\.csv:3: column "end_timestamp" is not a number: "oops"/,
    );
  });

  it('says which formats it reads', () => {
    expect(() => loadTrace(resolve(FIXTURES, 'bad/not-a-trace.csv'))).toThrow(TraceFormatError);
    expect(() => loadTrace(resolve(FIXTURES, 'bad/not-a-trace.csv'))).toThrow(/expected an Azure 2021 file/);
    expect(() => loadTrace(resolve(FIXTURES, 'nope'))).toThrow(/no such file or folder/);
  });
});

describe('the shared real traces', () => {
  it('loads the 2019 sample of 100 functions', () => {
    const trace = loadTrace(resolve(SHARED, 'azure2019_invitro_sample100'));
    expect(trace.functions).toHaveLength(100);
    expect(trace.invocations).toBe(339_657);
    // Minute labels 480–959 are minutes 479–958 after midnight.
    expect(trace.startMs).toBe(479 * 60_000);
    expect(trace.endMs).toBe(959 * 60_000);
    expect(trace.functions.every((f) => f.memoryMb !== undefined && f.memoryMb >= 128)).toBe(true);
  });

  it('loads the one-day single-function trace without replaying it', () => {
    const trace = loadTrace(resolve(SHARED, 'azure2019_single_function_fullday'));
    expect(trace.functions).toHaveLength(1);
    expect(trace.invocations).toBe(20_820_188);
    expect(trace.endMs - trace.startMs).toBe(86_400_000);
    expect(trace.functions[0].memoryMb).toBe(232);
  });

  it('loads the first 998 rows of the 2021 trace', () => {
    const trace = loadTrace(resolve(SHARED, 'azure2021_invitro_head998'));
    expect(trace.invocations).toBe(998);
    expect(trace.functions).toHaveLength(49);
    expect(new Set(trace.functions.map((f) => f.app)).size).toBe(21);
    expect(sorted(drain(trace).time)).toBe(true);
  });
});

describe('attribution of exported traces', () => {
  it('credits the user’s own CloudWatch data, not Azure, for a folder written by `thermostat trace export`', () => {
    const source = join(__dirname, '..', '..', '..', '..', 'shared', 'traces', 'azure2019_invitro_sample100');
    const dir = mkdtempSync(join(tmpdir(), 'thermostat-export-'));
    try {
      cpSync(source, dir, { recursive: true });
      expect(loadTrace(dir).citation.dataset).toBe('Azure Functions Trace 2019');
      writeFileSync(join(dir, 'export.json'), JSON.stringify({ source: 'cloudwatch' }));
      expect(loadTrace(dir).citation.dataset).toBe('Your own traffic');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
