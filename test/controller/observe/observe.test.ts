import type { GetMetricDataInput, GetMetricDataOutput } from '@aws-sdk/client-cloudwatch';
import { DEFAULT_ACCOUNT, MemoryAccountStore } from '../../../controller/observe/account-store';
import { createCaches } from '../../../controller/observe/caches';
import { type ObserveDeps, observeAccount, observeTargets } from '../../../controller/observe/observe';
import type { TargetState } from '../../../controller/state';
import { effective } from '../../fixtures/controller/effective';
import { FakeAutoScaling, FakeControl } from '../../fixtures/controller/fake-control';
import { sdkError } from '../../fixtures/controller/fake-lambda';

const NOW = Date.parse('2026-11-23T10:00:00Z');
const observe = async (...args: Parameters<typeof observeTargets>) => (await observeTargets(...args)).targets;

function setup(functions: ConstructorParameters<typeof FakeControl>[0], coverageReads = 20) {
  const lambda = new FakeControl(functions);
  const autoscaling = new FakeAutoScaling();
  let now = NOW;
  const deps: ObserveDeps = {
    lambda,
    autoscaling,
    caches: createCaches(),
    clock: { now: () => now, sleep: async () => {} },
    parallelism: 4,
    coverageReads,
  };
  return { lambda, autoscaling, deps, advance: (ms: number) => (now += ms) };
}

describe('observeTargets', () => {
  it('reads function facts once and serves them from the cache on later ticks', async () => {
    const { lambda, deps } = setup({ api: { qualifiers: ['live'], memoryMb: 512, timeoutS: 6, reserved: 20 } });
    const policies = [effective()];
    const first = await observe(deps, policies, new Map(), NOW);
    expect(first['api:live']).toEqual({
      reservedConcurrency: 20,
      snapStart: false,
      memoryMb: 512,
      architecture: 'arm64',
      timeoutMs: 6000,
      version: '1',
    });
    await observe(deps, policies, new Map(), NOW + 60_000);
    expect(lambda.count('getFunction')).toBe(1);
  });

  it('reuses facts another execution environment saved in the state table, and reports those it read itself', async () => {
    const { lambda, deps } = setup({ api: { qualifiers: ['live'], memoryMb: 512 } });
    const stored = { reservedConcurrency: 7, snapStart: false, memoryMb: 2048, at: NOW - 60_000 };
    const state: TargetState = { key: 'api:live', history: [], facts: stored };
    const reused = await observeTargets(deps, [effective()], new Map([['api:live', state]]), NOW);
    expect(reused.targets['api:live']).toMatchObject({ reservedConcurrency: 7, memoryMb: 2048 });
    expect(reused.freshFacts.size).toBe(0);
    expect(lambda.count('getFunction')).toBe(0);

    const { lambda: other, deps: otherDeps } = setup({ api: { qualifiers: ['live'], memoryMb: 512 } });
    const stale: TargetState = { ...state, facts: { ...stored, at: NOW - 20 * 60_000 } };
    const refreshed = await observeTargets(otherDeps, [effective()], new Map([['api:live', stale]]), NOW);
    expect(refreshed.targets['api:live']).toMatchObject({ memoryMb: 512 });
    expect(refreshed.freshFacts.get('api:live')).toMatchObject({ memoryMb: 512, at: NOW });
    expect(other.count('getFunction')).toBe(1);
  });

  it('tells a missing alias from a missing function', async () => {
    const { deps } = setup({ api: { qualifiers: ['live'] } });
    const observed = await observe(
      deps,
      [effective({ qualifier: 'nope' }), effective({ function: 'ghost' })],
      new Map(),
      NOW,
    );
    expect(observed['api:nope'].problem).toEqual({
      kind: 'qualifier-missing',
      message: 'api has no alias or version "nope"',
    });
    expect(observed['ghost:live'].problem).toEqual({
      kind: 'function-missing',
      message: 'function ghost does not exist',
    });
  });

  it('marks a target unreadable when GetFunction fails otherwise', async () => {
    const { lambda, deps } = setup({ api: { qualifiers: ['live'] } });
    lambda.failing.getFunction = sdkError('TooManyRequestsException', 'Rate exceeded', {}, 429);
    const observed = await observe(deps, [effective()], new Map(), NOW);
    expect(observed['api:live'].problem).toEqual({ kind: 'unreadable', message: 'GetFunction failed: Rate exceeded' });
  });

  it('reads provisioned state, scalable targets, alias weights and other versions only for targets that use them', async () => {
    const { lambda, autoscaling, deps } = setup({
      warm: { qualifiers: ['live'] },
      pc: { qualifiers: ['live', '2'], reserved: 50, weights: { '2': 0.1 } },
    });
    lambda.provisioned.set('pc:live', { requested: 3, status: 'READY' });
    lambda.provisioned.set('pc:2', { requested: 4, status: 'READY' });
    autoscaling.targets.set('function:pc:live', { min: 1, max: 5 });
    const observed = await observe(
      deps,
      [
        effective({ function: 'warm' }),
        effective({ function: 'pc', mode: 'provisioned', provisioned: { min: 3, max: 3 } }),
      ],
      new Map([['warm:live', { key: 'warm:live', lastPingAt: NOW - 60_000, history: [] } as TargetState]]),
      NOW,
    );
    expect(observed['pc:live']).toMatchObject({
      provisioned: { requested: 3, allocated: 3, status: 'READY' },
      scalableTarget: { min: 1, max: 5 },
      weightedAlias: true,
      provisionedElsewhere: 4,
    });
    // The warm target is not due (pinged a minute ago): no provisioned read for it.
    expect(observed['warm:live'].provisioned).toBeUndefined();
    const reads = lambda.calls.filter((c) => c.operation === 'getProvisionedConcurrencyConfig');
    expect(reads.map((c) => c.input)).toEqual([{ FunctionName: 'pc', Qualifier: 'live' }]);
    expect(autoscaling.calls.map((c) => c.operation)).toEqual(['describeScalableTargets']);
  });

  it('checks READY coverage of due warm targets within a per-tick allowance, cached', async () => {
    const { lambda, deps } = setup({ a: { qualifiers: ['live'] }, b: { qualifiers: ['live'] } }, 1);
    lambda.provisioned.set('a:live', { requested: 5, status: 'READY' });
    const policies = [effective({ function: 'a' }), effective({ function: 'b' })];
    const first = await observe(deps, policies, new Map(), NOW);
    expect(first['a:live'].provisioned).toMatchObject({ allocated: 5, status: 'READY' });
    expect(first['b:live'].provisioned).toBeUndefined();
    const second = await observe(deps, policies, new Map(), NOW);
    expect(second['a:live'].provisioned).toMatchObject({ allocated: 5 });
    expect(lambda.count('getProvisionedConcurrencyConfig')).toBe(2);
  });

  it('a throttled coverage read is remembered: later ticks spend the allowance on other targets', async () => {
    const { lambda, deps, advance } = setup({ a: { qualifiers: ['live'] }, b: { qualifiers: ['live'] } }, 1);
    lambda.failing.getProvisionedConcurrencyConfig = sdkError('TooManyRequestsException', 'Rate exceeded', {}, 429);
    const policies = [effective({ function: 'a' }), effective({ function: 'b' })];
    await observe(deps, policies, new Map(), NOW);
    delete lambda.failing.getProvisionedConcurrencyConfig;
    await observe(deps, policies, new Map(), NOW + 60_000);
    const read = () =>
      lambda.calls.filter((c) => c.operation === 'getProvisionedConcurrencyConfig').map((c) => c.input);
    expect(read()).toEqual([
      { FunctionName: 'a', Qualifier: 'live' },
      { FunctionName: 'b', Qualifier: 'live' },
    ]);
    // After a while the throttled target is read again.
    advance(10 * 60_000);
    await observe(deps, [policies[0]!], new Map(), NOW + 11 * 60_000);
    expect(read()).toHaveLength(3);
  });

  it('leaves provisioned state undefined (never guessed) when it cannot be read', async () => {
    const { lambda, autoscaling, deps } = setup({ pc: { qualifiers: ['live'] } });
    lambda.failing.getProvisionedConcurrencyConfig = sdkError('ServiceException', 'oops', {}, 500);
    autoscaling.failing.describeScalableTargets = sdkError('InternalServiceException', 'oops', {}, 500);
    const observed = await observe(deps, [effective({ function: 'pc', mode: 'provisioned' })], new Map(), NOW);
    expect(observed['pc:live'].provisioned).toBeUndefined();
    expect(observed['pc:live'].scalableTarget).toBeUndefined();
  });

  it('reads history only where provisioned concurrency is at stake, batched, silent minutes as zero', async () => {
    const { deps } = setup({ a: { qualifiers: ['live'] }, b: { qualifiers: ['live'] }, c: { qualifiers: ['live'] } });
    const calls: unknown[] = [];
    const metrics = {
      getMetricData: async (input: { MetricDataQueries?: Array<{ Id?: string }> }) => {
        calls.push(input);
        return {
          MetricDataResults: [
            { Id: 'a0', Values: [6, 6, 6] },
            { Id: 'p0', Values: [4, 9, 2] },
            { Id: 'i0', Values: [1_200] },
          ],
        };
      },
    };
    const policies = [
      effective({ function: 'a', mode: 'auto', provisioned: { max: 10 } }),
      effective({ function: 'b', mode: 'auto', provisioned: { max: 10 } }),
      effective({ function: 'c', mode: 'warm' }),
    ];
    // an environment that served enough requests for its busy share to be a forecast
    const served = { envId: 'e', ratePerMinute: 2, lastRealAt: NOW - 61_000, realServed: 40 };
    const traffic = (load: number) => ({ at: NOW - 60_000, environments: [served], idleTimes: [], load });
    const states = new Map<string, TargetState>([
      // The proofs show a load at which a provisioned unit could pay off: worth a read.
      ['a:live', { key: 'a:live', history: [], traffic: traffic(0.8) }],
      // Too light for a unit to pay: no billed read.
      ['b:live', { key: 'b:live', history: [], traffic: traffic(0.05) }],
    ]);
    const observed = await observe({ ...deps, metrics }, policies, states, NOW);
    expect(observed['a:live'].traffic).toMatchObject({ load: 0.3, peak: 9, metricsRate: 20, loadSource: 'metrics' });
    expect(observed['b:live'].traffic).toEqual(traffic(0.05));
    expect(observed['c:live'].traffic).toBeUndefined();
    expect(calls).toHaveLength(1);
    // Invocations, ConcurrentExecutions average and maximum: three metrics for the one target read.
    expect((calls[0] as { MetricDataQueries: unknown[] }).MetricDataQueries).toHaveLength(3);
    await observe({ ...deps, metrics }, policies, states, NOW);
    expect(calls).toHaveLength(1);
  });

  it('reads each target over the minutes since its last read, one call per window, never the same minutes twice', async () => {
    const { deps } = setup({ a: { qualifiers: ['live'] }, b: { qualifiers: ['live'] } });
    const calls: GetMetricDataInput[] = [];
    const metrics = {
      getMetricData: async (input: GetMetricDataInput): Promise<GetMetricDataOutput> => {
        calls.push(input);
        return { MetricDataResults: [{ Id: 'a0', Values: [6, 6, 6] }] };
      },
    };
    const served = { envId: 'e', ratePerMinute: 2, lastRealAt: NOW - 61_000, realServed: 40 };
    const auto = (name: string) => effective({ function: name, mode: 'auto', provisioned: { max: 10 } });
    const states = new Map<string, TargetState>([
      // never read: the last hour
      [
        'a:live',
        { key: 'a:live', history: [], traffic: { at: NOW - 60_000, environments: [served], idleTimes: [], load: 0.8 } },
      ],
      // read 20 minutes ago, and that read's load would pay for a unit: confirmed over the 20 minutes since
      [
        'b:live',
        {
          key: 'b:live',
          history: [],
          traffic: {
            at: NOW - 60_000,
            environments: [served],
            idleTimes: [],
            load: 3,
            loadSource: 'metrics',
            metricsAt: NOW - 20 * 60_000,
            readLoads: [3],
          },
        },
      ],
    ]);
    const observed = await observe({ ...deps, metrics }, [auto('a'), auto('b')], states, NOW);
    const minutesOf = (call: GetMetricDataInput) => (call.EndTime!.getTime() - call.StartTime!.getTime()) / 60_000;
    expect(calls.map(minutesOf).sort()).toEqual([20, 60]);
    for (const call of calls) expect(call.MetricDataQueries![2].MetricStat!.Period).toBe(minutesOf(call) * 60);
    // the same three one-minute averages are a load over each target's own window
    expect(observed['a:live'].traffic?.load).toBeCloseTo(18 / 60);
    expect(observed['b:live'].traffic?.load).toBeCloseTo(18 / 20);
    // and, minute by minute, six environments busy in three of them: each a twentieth of the hour a's read covers
    expect(observed['a:live'].traffic?.readUnitBusy).toEqual([Array(6).fill(0.05)]);
    expect(observed['b:live'].traffic?.readUnitBusy).toEqual([Array(6).fill(0.15)]);

    // A window whose call fails leaves its targets unread (kept for the next tick); the other window's still count.
    const { deps: again } = setup({ a: { qualifiers: ['live'] }, b: { qualifiers: ['live'] } });
    const failing = {
      getMetricData: async (input: GetMetricDataInput): Promise<GetMetricDataOutput> => {
        if (minutesOf(input) === 20) throw sdkError('ThrottlingException', 'Rate exceeded', {}, 400);
        return { MetricDataResults: [{ Id: 'a0', Values: [6, 6, 6] }] };
      },
    };
    const partly = await observe({ ...again, metrics: failing }, [auto('a'), auto('b')], states, NOW);
    expect(partly['a:live'].traffic?.load).toBeCloseTo(18 / 60);
    expect(partly['b:live'].traffic).toEqual(states.get('b:live')?.traffic);
  });

  it('observes managed targets without a policy so they can be cleaned up', async () => {
    const { lambda, deps } = setup({});
    lambda.provisioned.set('old:live', { requested: 2, status: 'READY' });
    const orphan: TargetState = {
      key: 'old:live',
      history: [],
      managed: { function: 'old', qualifier: 'live', provisioned: { strategy: 'direct', value: 2 }, since: 0 },
    };
    const observed = await observe(deps, [], new Map(), NOW, [orphan]);
    expect(observed['old:live']).toMatchObject({
      provisioned: { requested: 2 },
      scalableTarget: null,
      managed: orphan.managed,
    });
  });
});

describe('observeAccount', () => {
  it('caches account settings for a minute and reports a failure instead of throwing', async () => {
    const { lambda, deps, advance } = setup({});
    expect(await observeAccount(deps)).toEqual({ account: { limit: 1000, unreserved: 900 } });
    await observeAccount(deps);
    expect(lambda.count('getAccountSettings')).toBe(1);
    advance(5 * 60_000);
    lambda.failing.getAccountSettings = sdkError('AccessDeniedException', 'not allowed', {}, 403);
    expect(await observeAccount(deps)).toEqual({ error: 'account concurrency could not be read: not allowed' });
  });

  it('falls back to the last settings read, else to a small default, and says which', async () => {
    const { lambda, deps, advance } = setup({});
    const store = new MemoryAccountStore();
    const withStore = { ...deps, caches: createCaches(store) };
    expect(await observeAccount(withStore)).toEqual({ account: { limit: 1000, unreserved: 900 }, source: 'live' });
    expect(store.known).toEqual({ account: { limit: 1000, unreserved: 900 }, at: NOW });
    advance(5 * 60_000);
    lambda.failing.getAccountSettings = sdkError('TooManyRequestsException', 'Rate exceeded', {}, 429);
    expect(await observeAccount(withStore)).toEqual({
      account: { limit: 1000, unreserved: 900 },
      source: 'last-known',
      error:
        'account concurrency could not be read: Rate exceeded; using the settings read at 2026-11-23T10:00:00.000Z',
    });
    const fresh = { ...deps, caches: createCaches(new MemoryAccountStore()) };
    expect(await observeAccount(fresh)).toMatchObject({ account: DEFAULT_ACCOUNT, source: 'default' });
    expect((await observeAccount(fresh)).error).toMatch(/never read before, so assuming a small account/);
  });
});
