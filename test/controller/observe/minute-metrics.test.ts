import type { GetMetricDataInput, GetMetricDataOutput } from '@aws-sdk/client-cloudwatch';
import { sdkMetrics } from '../../../controller/aws/sdk';
import { GET_METRIC_DATA_PER_METRIC } from '../../../controller/cost';
import {
  denseSeries,
  MetricReadError,
  planMetricRead,
  readMinuteMetrics,
  seriesKey,
} from '../../../controller/observe/minute-metrics';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, echo, testEmulator } from '../../emulator/helpers';

const T0 = Date.UTC(2026, 10, 23, 12, 0, 0);
const INVOCATIONS = { metric: 'Invocations', stat: 'Sum' };
const DURATION_P50 = { metric: 'Duration', stat: 'p50' };
const CONCURRENCY = { metric: 'ConcurrentExecutions', stat: 'Maximum' };

/** A narrow stand-in for CloudWatch that records each call and answers one point per query at the start. */
function recordingApi() {
  const calls: GetMetricDataInput[] = [];
  return {
    calls,
    api: {
      async getMetricData(input: GetMetricDataInput): Promise<GetMetricDataOutput> {
        calls.push(input);
        return {
          MetricDataResults: (input.MetricDataQueries ?? []).map((q) => ({
            Id: q.Id,
            StatusCode: 'Complete',
            Timestamps: [input.StartTime as Date],
            Values: [Number(q.MetricStat?.Metric?.Dimensions?.[0]?.Value?.slice(2))],
          })),
        };
      },
    },
  };
}

describe('planMetricRead and readMinuteMetrics (batching and billing)', () => {
  it('splits more than 500 queries into calls of at most 500 and counts every metric requested', async () => {
    const functions = Array.from({ length: 170 }, (_, i) => ({ name: `fn${i}` }));
    const window = {
      functions,
      statistics: [INVOCATIONS, DURATION_P50, CONCURRENCY],
      start: T0,
      end: T0 + 60_000,
    };
    const plan = planMetricRead(window);
    expect(plan).toMatchObject({ queries: 510, calls: 2, queriesPerCall: 500, metricsRequested: 510 });
    expect(plan.costUsd).toBeCloseTo(510 * GET_METRIC_DATA_PER_METRIC, 12);

    const { api, calls } = recordingApi();
    let taken = 0;
    const progress: number[] = [];
    const read = await readMinuteMetrics(api, window, {
      limiter: { take: async () => void taken++ },
      onCall: (usage) => progress.push(usage.metricsRequested),
    });
    expect(calls.map((c) => c.MetricDataQueries?.length)).toEqual([500, 10]);
    expect(taken).toBe(2);
    expect(progress).toEqual([500, 510]);
    expect(calls.every((c) => c.MetricDataQueries!.every((q) => q.MetricStat?.Period === 60))).toBe(true);
    expect(read.usage).toEqual({ calls: 2, metricsRequested: 510, datapoints: 510 });
    // Each answer lands on its own function and statistic, across the call boundary too.
    for (const i of [0, 166, 169]) {
      for (const statistic of window.statistics) {
        expect(Array.from(read.functions[i].series.get(seriesKey(statistic))!.values)).toEqual([i]);
      }
    }
  });

  it('sizes calls so a long window of one-minute data fits one page', () => {
    const plan = planMetricRead({
      functions: Array.from({ length: 10 }, (_, i) => ({ name: `fn${i}` })),
      statistics: [INVOCATIONS, DURATION_P50, CONCURRENCY],
      start: T0,
      end: T0 + 14 * 86_400_000,
    });
    // 20,160 minutes: 5 queries × 20,160 points = 100,800, CloudWatch's page size.
    expect(plan).toMatchObject({ periods: 20_160, queriesPerCall: 5, calls: 6, metricsRequested: 30 });
    // One data point per query over the whole window: 500 per call.
    const whole = planMetricRead({
      functions: Array.from({ length: 600 }, (_, i) => ({ name: `fn${i}` })),
      statistics: [DURATION_P50],
      start: T0,
      end: T0 + 14 * 86_400_000,
      periodSeconds: 14 * 86_400,
    });
    expect(whole).toMatchObject({ periods: 1, queriesPerCall: 500, calls: 2 });
  });

  it('asks for the alias or version through the Resource dimension', async () => {
    const { api, calls } = recordingApi();
    await readMinuteMetrics(api, {
      functions: [{ name: 'fn1', qualifier: 'live' }, { name: 'fn2', qualifier: '$LATEST' }, { name: 'fn3' }],
      statistics: [INVOCATIONS],
      start: T0 + 30_000,
      end: T0 + 120_000,
    });
    expect(calls[0].StartTime).toEqual(new Date(T0));
    expect(calls[0].MetricDataQueries?.map((q) => q.MetricStat?.Metric?.Dimensions)).toEqual([
      [
        { Name: 'FunctionName', Value: 'fn1' },
        { Name: 'Resource', Value: 'fn1:live' },
      ],
      [{ Name: 'FunctionName', Value: 'fn2' }],
      [{ Name: 'FunctionName', Value: 'fn3' }],
    ]);
  });

  it('fails with MetricReadError naming the queries, keeping the cause', async () => {
    const cause = new Error('AccessDenied');
    const failing = {
      getMetricData: async (): Promise<GetMetricDataOutput> => {
        throw cause;
      },
    };
    const read = readMinuteMetrics(failing, {
      functions: [{ name: 'a' }],
      statistics: [INVOCATIONS],
      start: T0,
      end: T0 + 60_000,
    });
    await expect(read).rejects.toBeInstanceOf(MetricReadError);
    await expect(read).rejects.toMatchObject({
      cause,
      message: expect.stringMatching(/queries 1-1 of 1: AccessDenied/),
    });

    const forbidden = {
      getMetricData: async (input: GetMetricDataInput): Promise<GetMetricDataOutput> => ({
        MetricDataResults: [
          { Id: input.MetricDataQueries?.[0]?.Id, StatusCode: 'Forbidden', Messages: [{ Value: 'no access' }] },
        ],
      }),
    };
    await expect(
      readMinuteMetrics(forbidden, {
        functions: [{ name: 'a' }],
        statistics: [INVOCATIONS],
        start: T0,
        end: T0 + 60_000,
      }),
    ).rejects.toThrow(/Forbidden for a AWS\/Lambda\/Invocations:Sum: no access/);
  });

  it('rejects a period that is not whole minutes and an empty window', () => {
    const base = { functions: [{ name: 'a' }], statistics: [INVOCATIONS], start: T0, end: T0 + 60_000 };
    expect(() => planMetricRead({ ...base, periodSeconds: 90 })).toThrow(/multiple of 60/);
    expect(() => planMetricRead({ ...base, end: T0 })).toThrow(/end after it starts/);
  });

  it('densifies a sparse series with a fill value', () => {
    const series = { periods: Int32Array.from([1, 3]), values: Float64Array.from([5, 7]) };
    expect(Array.from(denseSeries(series, 5))).toEqual([0, 5, 0, 7, 0]);
    expect(Array.from(denseSeries(undefined, 2, Number.NaN))).toEqual([Number.NaN, Number.NaN]);
  });
});

describe('readMinuteMetrics against the emulator through the real CloudWatch client', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let c: ReturnType<typeof clients>;
  /** Invocations of `orders` per minute, 5 minutes. */
  const perMinute = [2, 0, 1, 3, 1];

  beforeAll(async () => {
    clock = new ManualClock(T0);
    emulator = await testEmulator({
      clock,
      functions: [
        { name: 'orders', handler: 'echo.js', versions: { '1': {} }, aliases: { live: '1' } },
        { name: 'stock', handler: 'echo.js' },
      ],
    });
    c = clients(emulator);
    for (const [minute, count] of perMinute.entries()) {
      for (let k = 0; k < count; k++) await echo(c.lambda, 'orders', {}, k === 0 ? 'live' : undefined);
      if (minute === 2) await echo(c.lambda, 'stock');
      await clock.advance(60_000);
    }
  });
  afterAll(async () => {
    c.cloudWatch.destroy();
    c.lambda.destroy();
    await emulator.stop();
  });

  const window = (functions: Array<{ name: string; qualifier?: string }>) => ({
    functions,
    statistics: [INVOCATIONS, CONCURRENCY, DURATION_P50],
    start: T0,
    end: T0 + perMinute.length * 60_000,
  });

  it('reads per-minute series per function, the same whether or not CloudWatch pages the answer', async () => {
    const api = sdkMetrics(c.cloudWatch);
    const whole = await readMinuteMetrics(api, window([{ name: 'orders' }, { name: 'stock' }]));
    expect(whole.usage).toMatchObject({ calls: 1, metricsRequested: 6 });
    expect(whole.incomplete).toEqual([]);
    const orders = whole.functions[0];
    expect(Array.from(denseSeries(orders.series.get(seriesKey(INVOCATIONS)), whole.periods))).toEqual(perMinute);
    expect(Array.from(orders.series.get(seriesKey(CONCURRENCY))!.periods)).toEqual([0, 2, 3, 4]);
    expect(Array.from(denseSeries(whole.functions[1].series.get(seriesKey(INVOCATIONS)), whole.periods))).toEqual([
      0, 0, 1, 0, 0,
    ]);

    // Three points per page: one query per call (5 periods do not fit), and a series of 4 or 5 points arrives over
    // two pages, each page billed again.
    const paged = await readMinuteMetrics(api, window([{ name: 'orders' }, { name: 'stock' }]), { maxDatapoints: 3 });
    expect(paged.usage.calls).toBeGreaterThan(6);
    expect(paged.usage.metricsRequested).toBe(paged.usage.calls);
    expect(paged.usage.datapoints).toBe(whole.usage.datapoints);
    for (const [f, fn] of paged.functions.entries()) {
      for (const [key, series] of fn.series) {
        const reference = whole.functions[f].series.get(key)!;
        expect(Array.from(series.periods)).toEqual(Array.from(reference.periods));
        expect(Array.from(series.values)).toEqual(Array.from(reference.values));
      }
    }
  });

  it('splits past 500 queries and reads the alias alone through Resource', async () => {
    const names = [
      { name: 'orders', qualifier: 'live' },
      ...Array.from({ length: 168 }, (_, i) => ({ name: `absent-${i}` })),
      { name: 'orders' },
    ];
    const read = await readMinuteMetrics(sdkMetrics(c.cloudWatch), window(names));
    expect(read.usage).toMatchObject({ calls: 2, metricsRequested: 510 });
    const live = denseSeries(read.functions[0].series.get(seriesKey(INVOCATIONS)), read.periods);
    // The first call of each minute named the alias.
    expect(Array.from(live)).toEqual(perMinute.map((n) => (n > 0 ? 1 : 0)));
    const all = denseSeries(read.functions[169].series.get(seriesKey(INVOCATIONS)), read.periods);
    expect(Array.from(all)).toEqual(perMinute);
    expect(read.functions[5].series.get(seriesKey(INVOCATIONS))!.values.length).toBe(0);
  });
});
