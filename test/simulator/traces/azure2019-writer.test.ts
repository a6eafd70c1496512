import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Azure2019TraceRecord,
  formatNumber,
  TraceWriteError,
  writeAzure2019Trace,
} from '../../../simulator/traces/azure2019-writer';
import { loadTrace } from '../../../simulator/traces/load';

const TRACE: Azure2019TraceRecord = {
  // 09:00 on the first day, for 5 minutes.
  firstMinute: 540,
  minutes: 5,
  functions: [
    {
      owner: '123456789012',
      app: 'checkout-api',
      name: 'checkout-api',
      invocations: { minutes: [0, 2, 4], values: [3, 1, 7] },
      durations: {
        average: 41.25,
        count: 11,
        minimum: 10,
        maximum: 120.5,
        percentiles: [10, 10.5, 20, 35, 50, 118.333333, 120.5],
      },
      memoryMb: 1024,
      concurrency: { minutes: [0, 2, 4], values: [2, 1, 3] },
    },
    {
      owner: '123456789012',
      app: 'nightly-batch',
      name: 'nightly-batch',
      trigger: 'timer',
      invocations: { minutes: [], values: [] },
      memoryMb: 2048,
    },
  ],
};

/** Invocations per minute of each trace function, read back through the simulator's own arrival stream. */
function countsPerMinute(dir: string) {
  const trace = loadTrace(dir);
  const counts = trace.functions.map(() => new Map<number, number>());
  const source = trace.arrivals(1);
  for (let batch = source.next(); batch; batch = source.next()) {
    for (let i = 0; i < batch.count; i++) {
      const minute = Math.floor(batch.time[i] / 60_000);
      counts[batch.fn[i]].set(minute, (counts[batch.fn[i]].get(minute) ?? 0) + 1);
    }
  }
  return { trace, counts };
}

describe('writeAzure2019Trace', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'thermostat-trace-writer-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes a folder the simulator loads back to the same functions, minutes, counts, memory and means', () => {
    const files = writeAzure2019Trace(dir, TRACE);
    expect(files.map((f) => f.slice(dir.length + 1))).toEqual([
      'invocations.csv',
      'durations.csv',
      'memory.csv',
      'concurrency.tsv',
    ]);
    const { trace, counts } = countsPerMinute(dir);
    expect(trace.format).toBe('azure2019');
    expect(trace.startMs).toBe(540 * 60_000);
    expect(trace.endMs).toBe(545 * 60_000);
    expect(trace.invocations).toBe(11);
    expect(trace.functions).toEqual([
      expect.objectContaining({
        id: 'checkout-api/checkout-api',
        name: 'checkout-api',
        memoryMb: 1024,
        invocations: 11,
        meanDurationMs: 41.25,
        trigger: 'unknown',
      }),
      expect.objectContaining({ name: 'nightly-batch', memoryMb: 2048, invocations: 0, trigger: 'timer' }),
    ]);
    expect([...counts[0].entries()]).toEqual([
      [540, 3],
      [542, 1],
      [544, 7],
    ]);
  });

  it('writes the 2019 columns, every minute labelled from 1 after midnight, numbers in a fixed form', () => {
    writeAzure2019Trace(dir, TRACE);
    const invocations = readFileSync(join(dir, 'invocations.csv'), 'utf8').split('\n');
    expect(invocations[0]).toBe('HashOwner,HashApp,HashFunction,Trigger,541,542,543,544,545');
    expect(invocations[1]).toBe('123456789012,checkout-api,checkout-api,unknown,3,0,1,0,7');
    expect(invocations[2]).toBe('123456789012,nightly-batch,nightly-batch,timer,0,0,0,0,0');
    const durations = readFileSync(join(dir, 'durations.csv'), 'utf8').split('\n');
    expect(durations[0]).toBe(
      'HashOwner,HashApp,HashFunction,Average,Count,Minimum,Maximum,percentile_Average_0,percentile_Average_1,percentile_Average_25,percentile_Average_50,percentile_Average_75,percentile_Average_99,percentile_Average_100',
    );
    expect(durations[1]).toBe(
      '123456789012,checkout-api,checkout-api,41.25,11,10,120.5,10,10.5,20,35,50,118.333,120.5',
    );
    // No durations for a function that never ran: the loader uses its default.
    expect(durations).toHaveLength(3);
    const memory = readFileSync(join(dir, 'memory.csv'), 'utf8').split('\n');
    expect(memory[2]).toBe('123456789012,nightly-batch,nightly-batch,0,2048,2048,2048,2048,2048,2048,2048,2048,2048');
    const concurrency = readFileSync(join(dir, 'concurrency.tsv'), 'utf8').split('\n');
    expect(concurrency[1]).toBe('123456789012\tcheckout-api\tcheckout-api\t2\t0\t1\t0\t3');
  });

  it('writes the same bytes for the same input, and never replaces files unless asked', () => {
    writeAzure2019Trace(dir, TRACE);
    const first = readFileSync(join(dir, 'invocations.csv'));
    expect(() => writeAzure2019Trace(dir, TRACE)).toThrow(/invocations\.csv.*already exist/);
    writeAzure2019Trace(dir, TRACE, { overwrite: true });
    expect(readFileSync(join(dir, 'invocations.csv')).equals(first)).toBe(true);
  });

  it('refuses what the loaders could not read back', () => {
    const fn = TRACE.functions[0];
    const bad =
      (change: Partial<(typeof TRACE.functions)[0]>, trace: Partial<Azure2019TraceRecord> = {}) =>
      () =>
        writeAzure2019Trace(dir, { ...TRACE, ...trace, functions: [{ ...fn, ...change }] });
    expect(bad({ name: 'a,b' })).toThrow(TraceWriteError);
    expect(bad({ invocations: { minutes: [5], values: [1] } })).toThrow(/minute 5 is outside/);
    expect(bad({ concurrency: { minutes: [0], values: [Number.NaN] } })).toThrow(/cannot write NaN/);
    expect(bad({ durations: { ...fn.durations!, percentiles: [1, 2, 3, 2, 5, 6, 7] } })).toThrow(/non-decreasing/);
    expect(bad({}, { minutes: 0 })).toThrow(/at least one minute/);
    expect(() => writeAzure2019Trace(dir, { ...TRACE, functions: [fn, fn] })).toThrow(/appears twice/);
    // Nothing was written by any refused call.
    expect(readdirSync(dir)).toEqual([]);
  });

  it('formats numbers deterministically', () => {
    expect([3, 0.1 + 0.2, 2.5, 1 / 3, -0.0001].map(formatNumber)).toEqual(['3', '0.3', '2.5', '0.333', '0']);
    expect(() => formatNumber(Number.NaN)).toThrow(TraceWriteError);
  });
});
