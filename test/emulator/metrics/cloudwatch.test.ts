import { GetMetricDataCommand, InvalidParameterValueException } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, echo, testEmulator } from '../helpers';

describe('CloudWatch GetMetricData', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let c: ReturnType<typeof clients>;
  const start = Date.UTC(2026, 10, 23, 12, 0, 0);

  const query = (
    id: string,
    name: string,
    dims: Record<string, string>,
    stat: string,
    namespace = 'AWS/Lambda',
    period = 60,
  ) => ({
    Id: id,
    MetricStat: {
      Metric: {
        Namespace: namespace,
        MetricName: name,
        Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })),
      },
      Period: period,
      Stat: stat,
    },
  });

  beforeAll(async () => {
    clock = new ManualClock(start);
    emulator = await testEmulator({
      clock,
      functions: [
        { name: 'orders', handler: 'echo.js', versions: { '1': {} }, aliases: { live: '1' }, reservedConcurrency: 2 },
        { name: 'shop', handler: 'emf.js' },
        { name: 'checkout', handler: 'powertools.js' },
      ],
    });
    c = clients(emulator);
    // Minute 0: provisioned concurrency 1 on live, two overlapping calls (one spills over), one plain call.
    await c.lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'orders',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    await emulator.settle();
    await Promise.all([
      echo(c.lambda, 'orders', { holdMs: 200 }, 'live'),
      echo(c.lambda, 'orders', { holdMs: 200 }, 'live'),
    ]);
    await echo(c.lambda, 'orders');
    await c.lambda.send(new InvokeCommand({ FunctionName: 'shop', Payload: JSON.stringify({ orders: 3 }) }));
    await c.lambda.send(new InvokeCommand({ FunctionName: 'checkout' }));
    // Minute 1: a throttle (reserved concurrency 2 is full) and more EMF.
    await clock.advance(60_000);
    const held = [echo(c.lambda, 'orders', { holdMs: 300 }), echo(c.lambda, 'orders', { holdMs: 300 })];
    while (emulator.inspect().account.inFlight < 2) await new Promise((resolve) => setTimeout(resolve, 10));
    await c.lambda.send(new InvokeCommand({ FunctionName: 'orders' })).catch(() => undefined);
    await Promise.all(held);
    await c.lambda.send(new InvokeCommand({ FunctionName: 'shop', Payload: JSON.stringify({ orders: 4 }) }));
  });
  afterAll(() => emulator.stop());

  it('answers AWS/Lambda metrics per function and qualifier at one-minute resolution', async () => {
    const out = await c.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 5 * 60_000),
        ScanBy: 'TimestampAscending',
        MetricDataQueries: [
          query('inv', 'Invocations', { FunctionName: 'orders' }, 'Sum'),
          query('live', 'Invocations', { FunctionName: 'orders', Resource: 'orders:live' }, 'Sum'),
          query(
            'spill',
            'ProvisionedConcurrencySpilloverInvocations',
            { FunctionName: 'orders', Resource: 'orders:live' },
            'Sum',
          ),
          query(
            'util',
            'ProvisionedConcurrencyUtilization',
            { FunctionName: 'orders', Resource: 'orders:live' },
            'Maximum',
          ),
          query('conc', 'ConcurrentExecutions', { FunctionName: 'orders' }, 'Maximum'),
          query('thr', 'Throttles', { FunctionName: 'orders' }, 'Sum'),
        ],
      }),
    );
    const byId = Object.fromEntries((out.MetricDataResults ?? []).map((r) => [r.Id, r]));
    const minute0 = new Date(start);
    const minute1 = new Date(start + 60_000);
    expect(byId.inv).toMatchObject({
      Label: 'Invocations',
      StatusCode: 'Complete',
      Timestamps: [minute0, minute1],
      Values: [3, 2],
    });
    expect(byId.live?.Values).toEqual([2]);
    expect(byId.spill?.Values).toEqual([1]);
    expect(byId.util?.Values).toEqual([1]);
    expect(byId.conc?.Values).toEqual([2, 2]);
    expect(byId.thr).toMatchObject({ Timestamps: [minute1], Values: [1] });
  });

  it('turns Embedded Metric Format lines (Powertools among them) into queryable metrics', async () => {
    const out = await c.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 5 * 60_000),
        MetricDataQueries: [
          { ...query('orders', 'Orders', { service: 'orders' }, 'Sum', 'Shop'), Label: 'orders placed' },
          query('cold', 'ColdStart', { service: 'checkout' }, 'Sum', 'Checkout'),
          { ...query('hidden', 'Orders', { service: 'orders' }, 'Sum', 'Shop'), ReturnData: false },
        ],
      }),
    );
    const [orders, cold] = out.MetricDataResults ?? [];
    expect(out.MetricDataResults).toHaveLength(2);
    // Newest first by default, as CloudWatch does.
    expect(orders).toMatchObject({ Label: 'orders placed', Values: [4, 3] });
    expect(cold?.Values).toEqual([1]);
  });

  it('answers percentile statistics of Duration, between the minimum and the maximum', async () => {
    const stats = ['Minimum', 'p0', 'p1', 'p50', 'p99', 'p100', 'Maximum'];
    const out = await c.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 5 * 60_000),
        MetricDataQueries: stats.map((stat, i) =>
          query(`d${i}`, 'Duration', { FunctionName: 'orders' }, stat, 'AWS/Lambda', 300),
        ),
      }),
    );
    const values = (out.MetricDataResults ?? []).map((r) => r.Values?.[0]);
    expect(values.every((v) => typeof v === 'number')).toBe(true);
    const [min, p0, p1, p50, p99, p100, max] = values as number[];
    expect(p0).toBe(min);
    expect(p100).toBe(max);
    expect(p1).toBeGreaterThanOrEqual(min!);
    expect(p50).toBeGreaterThanOrEqual(p1!);
    expect(p99).toBeGreaterThanOrEqual(p50!);
    expect(max).toBeGreaterThanOrEqual(p99!);
    // The 200 ms and 300 ms holds are among the five calls: the slowest took at least 300 ms.
    expect(max).toBeGreaterThanOrEqual(300);
  });

  it('pages answers larger than MaxDatapoints behind NextToken', async () => {
    const request = {
      StartTime: new Date(start),
      EndTime: new Date(start + 5 * 60_000),
      ScanBy: 'TimestampAscending' as const,
      MaxDatapoints: 3,
      MetricDataQueries: [
        query('inv', 'Invocations', { FunctionName: 'orders' }, 'Sum'),
        query('conc', 'ConcurrentExecutions', { FunctionName: 'orders' }, 'Maximum'),
        query('shop', 'Invocations', { FunctionName: 'shop' }, 'Sum'),
      ],
    };
    const merged: Record<string, number[]> = {};
    const statuses: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const out = await c.cloudWatch.send(new GetMetricDataCommand({ ...request, NextToken: token }));
      pages++;
      for (const r of out.MetricDataResults ?? []) {
        merged[r.Id!] = [...(merged[r.Id!] ?? []), ...(r.Values ?? [])];
        if (pages === 1) statuses.push(`${r.Id}:${r.StatusCode}`);
      }
      token = out.NextToken;
    } while (token);
    // 2 + 2 + 2 points, 3 per page.
    expect(pages).toBe(2);
    expect(statuses).toEqual(['inv:Complete', 'conc:PartialData', 'shop:PartialData']);
    expect(merged).toEqual({ inv: [3, 2], conc: [2, 2], shop: [1, 1] });
  });

  it('rejects what it cannot answer with InvalidParameterValueException', async () => {
    const call = c.cloudWatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(start),
        EndTime: new Date(start + 60_000),
        MetricDataQueries: [{ Id: 'e1', Expression: 'SUM(METRICS())' }],
      }),
    );
    await expect(call).rejects.toBeInstanceOf(InvalidParameterValueException);
    await expect(call).rejects.toThrow('MetricStat queries only');
  });
});
