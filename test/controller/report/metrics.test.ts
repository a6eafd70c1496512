import { ControllerMetric } from '../../../controller/contract';
import { emitMetrics } from '../../../controller/report/metrics';
import { type RunReport, totalsOf } from '../../../controller/report/report';
import { MemoryMetrics } from '../../fixtures/controller/harness';

const outcomes = {
  ok: 3,
  'function-error': 0,
  throttled: 1,
  'timed-out': 0,
  'not-found': 0,
  'invalid-response': 0,
  error: 0,
};

describe('emitMetrics', () => {
  const targets: RunReport['targets'] = [
    {
      key: 'api:live',
      function: 'arn:aws:lambda:us-east-1:123456789012:function:api',
      qualifier: 'live',
      target: 'api:live',
      mode: 'warm',
      window: undefined,
      status: 'ok',
      decisions: [],
      warm: {
        wanted: 4,
        proof: true,
        proven: 3,
        answered: 3,
        cold: 1,
        shortfall: 1,
        pingsSent: 4,
        rounds: 1,
        failures: 1,
        outcomes,
        stoppedBy: 'throttled',
        messages: {},
        environments: ['a', 'b', 'c'],
      },
    },
    {
      key: 'pc:live',
      function: 'pc',
      qualifier: 'live',
      target: 'pc:live',
      mode: 'provisioned',
      window: undefined,
      status: 'failed',
      decisions: [],
      provisioned: { changes: [], requested: 5, allocated: 2 },
      failure: { kind: 'provisioned-write', message: 'x' },
    },
  ];
  const report: RunReport = {
    runId: 'r',
    tickId: 't',
    shard: { index: 0, of: 1 },
    status: 'completed',
    startedAt: '',
    durationMs: 420,
    policies: { total: 2, inShard: 2, issues: [] },
    totals: totalsOf(targets),
    targets,
    skipped: [],
    events: { published: 0, failed: 0 },
  };

  it('uses the dashboard’s names: per target with exactly the Target dimension, totals with none', () => {
    const sink = new MemoryMetrics();
    emitMetrics(sink, report, new Set(['api:live', 'pc:live']));
    expect(sink.published).toEqual([
      {
        dimensions: { Target: 'api:live' },
        metrics: {
          PingsSent: 4,
          EnvironmentsProven: 3,
          ColdEnvironments: 1,
          Shortfall: 1,
          PingFailures: 1,
        },
      },
      {
        dimensions: { Target: 'pc:live' },
        metrics: { TargetFailures: 1, ProvisionedRequested: 5, ProvisionedAllocated: 2 },
      },
      {
        dimensions: {},
        metrics: {
          PingsSent: 4,
          EnvironmentsProven: 3,
          ColdEnvironments: 1,
          Shortfall: 1,
          PingFailures: 1,
          TargetFailures: 1,
          TickDuration: 420,
        },
      },
    ]);
    // The contract's names, which the dashboard and alarms query: renaming one breaks users' own alarms too.
    expect(Object.values(ControllerMetric).sort()).toEqual(
      [
        'PingsSent',
        'EnvironmentsProven',
        'ColdEnvironments',
        'Shortfall',
        'PingFailures',
        'TargetFailures',
        'TickDuration',
        'ProvisionedRequested',
        'ProvisionedAllocated',
        'TicksPartial',
        'TargetsSkipped',
        'ProvisionedFailed',
        'ForecastRequests',
        'ForecastColdRequests',
      ].sort(),
    );
  });

  it("sums auto mode's forecast into two totals, weighted by each target's traffic, only from ticks that have one", () => {
    const withForecast = (key: string, forecast: NonNullable<RunReport['targets'][number]['forecast']>) => ({
      ...targets[0],
      key,
      target: key,
      mode: 'auto' as const,
      forecast,
    });
    const auto = [
      withForecast('a', { coldShare: 0.01, requestsPerMinute: 100 }),
      withForecast('b', { coldShare: 0.5, requestsPerMinute: 2 }),
      // no request rate: left out of both, not counted as warm
      withForecast('c', { coldShare: 0.9 }),
    ];
    const sink = new MemoryMetrics();
    emitMetrics(sink, { ...report, targets: auto, totals: totalsOf(auto) });
    const totals = sink.totals() ?? {};
    expect(totals.ForecastRequests).toBeCloseTo(102, 9);
    expect(totals.ForecastColdRequests).toBeCloseTo(2, 9);
    // what the dashboard draws: 1 − cold / requests
    expect(1 - totals.ForecastColdRequests / totals.ForecastRequests).toBeCloseTo(100 / 102, 9);
    const none = new MemoryMetrics();
    emitMetrics(none, report);
    expect(none.totals()).not.toHaveProperty('ForecastRequests');
    expect(none.totals()).not.toHaveProperty('ForecastColdRequests');
  });

  it('emits per-target metrics only for the targets opted in, and the totals always', () => {
    const sink = new MemoryMetrics();
    emitMetrics(sink, report, new Set(['pc:live']));
    expect(sink.published.map((entry) => entry.dimensions)).toEqual([{ Target: 'pc:live' }, {}]);
    const none = new MemoryMetrics();
    emitMetrics(none, report);
    expect(none.published).toHaveLength(1);
    expect(none.totals()).toMatchObject({ PingsSent: 4, TargetFailures: 1 });
  });

  it('counts a partial tick, its skipped targets and FAILED provisioned concurrency in the totals', () => {
    const failedPc = { ...targets[1], failure: { kind: 'provisioned-failed', message: 'the allocation FAILED' } };
    const partial: RunReport = {
      ...report,
      status: 'partial',
      totals: totalsOf([targets[0], failedPc]),
      targets: [targets[0], failedPc],
      skipped: [
        { key: 'a:live', cause: 'time-budget', reason: 'not started' },
        { key: 'b:live', cause: 'budget-unknown', reason: 'no budget' },
      ],
    };
    const sink = new MemoryMetrics();
    emitMetrics(sink, partial);
    expect(sink.totals()).toMatchObject({ TicksPartial: 1, TargetsSkipped: 2, ProvisionedFailed: 1 });
  });

  it('publishes no count of zero (each metric is billed for every hour it is received), and the tick duration always', () => {
    const quiet: RunReport = { ...report, targets: [], totals: totalsOf([]) };
    const sink = new MemoryMetrics();
    emitMetrics(sink, quiet);
    expect(sink.published).toEqual([{ dimensions: {}, metrics: { TickDuration: 420 } }]);
    // a provisioned target with detailed metrics keeps both its numbers, an allocation of zero included
    const pending = { ...targets[1], status: 'ok' as const, provisioned: { changes: [], requested: 3 } };
    const detailed = new MemoryMetrics();
    emitMetrics(detailed, { ...quiet, targets: [pending], totals: totalsOf([pending]) }, new Set(['pc:live']));
    expect(detailed.published[0]).toEqual({
      dimensions: { Target: 'pc:live' },
      metrics: { ProvisionedRequested: 3, ProvisionedAllocated: 0 },
    });
  });

  it('emits nothing for a duplicate delivery', () => {
    const sink = new MemoryMetrics();
    emitMetrics(sink, { ...report, status: 'duplicate' });
    expect(sink.published).toEqual([]);
  });
});
