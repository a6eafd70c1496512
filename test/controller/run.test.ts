import { RateLimiter, rateLimitedLambda } from '../../controller/aws/rate-limit';
import { systemClock } from '../../controller/clock';
import { WeightedSemaphore } from '../../controller/concurrency';
import { DEFAULT_CONFIG } from '../../controller/config';
import { StateStoreError } from '../../controller/errors';
import { createCaches } from '../../controller/observe/caches';
import { parsePolicyValue } from '../../controller/policy';
import { MemoryLog } from '../../controller/report/log';
import { type RunDeps, run } from '../../controller/run';
import { MemoryStateStore, TrafficMemory } from '../../controller/state';
import { FakeAutoScaling, FakeControl } from '../fixtures/controller/fake-control';
import { FakeLambda } from '../fixtures/controller/fake-lambda';
import { MemoryMetrics } from '../fixtures/controller/harness';

const context = {
  getRemainingTimeInMillis: () => 50_000,
  invokedFunctionArn: 'arn:aws:lambda:us-east-1:1:function:ctl',
};

function deps(policies: unknown[], config: Partial<RunDeps['config']> = {}) {
  const loaded = policies.flatMap((policy, index) => parsePolicyValue(policy, `p${index}.json`).policies);
  const names = Object.fromEntries(
    policies.map((policy) => [(policy as { function: string }).function, { qualifiers: ['live'] }]),
  );
  const lambda = new FakeControl(names);
  const invoker = new FakeLambda();
  const state = new MemoryStateStore();
  const log = new MemoryLog();
  const value: RunDeps = {
    policies: { policies: loaded, issues: [] },
    lambda,
    invoker,
    autoscaling: new FakeAutoScaling(),
    state,
    log,
    metrics: new MemoryMetrics(),
    clock: systemClock,
    caches: createCaches(),
    semaphore: new WeightedSemaphore(100),
    config: { ...DEFAULT_CONFIG, warm: { ...DEFAULT_CONFIG.warm, coldStartAllowanceMs: 0 }, ...config },
  };
  return { deps: value, lambda, invoker, state, log };
}

/** Shard starts (asynchronous self-invocations) are recorded and accepted; every other invoke goes on as before. */
function acceptShardStarts(invoker: FakeLambda): void {
  const original = invoker.invoke.bind(invoker);
  invoker.invoke = async (input, options) => {
    if (input.InvocationType !== 'Event') return original(input, options);
    invoker.calls.push(input);
    return { StatusCode: 202 };
  };
}

/** The shard events started so far. */
function shardStarts(invoker: FakeLambda) {
  return invoker.calls
    .filter((call) => call.InvocationType === 'Event')
    .map((call) => JSON.parse(Buffer.from(call.Payload!).toString()));
}

describe('run', () => {
  it('throws a StateStoreError (so the whole tick is retried) when the tick cannot be claimed', async () => {
    const { deps: value, state, invoker } = deps([{ function: 'a', qualifier: 'live' }]);
    state.claimTick = () => Promise.reject(new StateStoreError('table unreachable'));
    await expect(run(value, { time: '2026-11-23T10:00:00Z' }, context)).rejects.toBeInstanceOf(StateStoreError);
    expect(invoker.calls).toHaveLength(0);
  });

  it('splits a large set into shards, starts the others asynchronously and runs a failed one itself', async () => {
    const policies = ['a', 'b', 'c', 'd', 'e'].map((name) => ({
      function: name,
      qualifier: 'live',
      warm: { holdMs: 50 },
    }));
    const { deps: value, invoker } = deps(policies, { shardSize: 2 });
    const original = invoker.invoke.bind(invoker);
    let shardCalls = 0;
    invoker.invoke = async (input, options) => {
      if (input.InvocationType !== 'Event') return original(input, options);
      invoker.calls.push(input);
      shardCalls += 1;
      if (shardCalls === 2) throw Object.assign(new Error('Rate exceeded'), { name: 'TooManyRequestsException' });
      return { StatusCode: 202 };
    };
    const report = await run(value, { time: '2026-11-23T10:00:00Z' }, context);
    expect(report.shard).toEqual({ index: 0, of: 3 });
    expect(report.shards).toEqual({ dispatched: 1, failed: [{ index: 2, error: 'Rate exceeded' }] });
    const events = invoker.calls.filter((call) => call.InvocationType === 'Event');
    expect(events.map((call) => call.FunctionName)).toEqual([context.invokedFunctionArn, context.invokedFunctionArn]);
    expect(JSON.parse(Buffer.from(events[0].Payload!).toString())).toEqual({
      thermostatShard: {
        tickId: '2026-11-23T10:00:00Z',
        scheduledAt: Date.parse('2026-11-23T10:00:00Z'),
        index: 1,
        of: 3,
        // the root listed the table's intents (none) and tells the shard, which then reads none per target
        intentKeys: [],
      },
    });
    // Shard 0 (a, d) plus the shard that could not be started (c): shard 1 (b, e) runs elsewhere.
    expect(report.targets.map((target) => target.function).sort()).toEqual(['a', 'c', 'd']);
  });

  it("runs quiet shards itself, taking their share of the account's quotas", async () => {
    const policies = ['a', 'b', 'c', 'd'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const { deps: built, invoker } = deps(policies, { shardSize: 2 });
    const shares: number[] = [];
    const value: RunDeps = { ...built, setRateShare: (share) => shares.push(share) };
    acceptShardStarts(invoker);
    // Everything is due on the first tick: shard 1 is started and this invocation takes half of everything.
    const first = await run(value, { time: '2026-11-23T10:00:00Z' }, context);
    expect(first.shards).toEqual({ dispatched: 1, failed: [] });
    expect(first.totals.pingsSent).toBe(2);
    // Shard 1 as its own invocation would run it (the same tick, its own claim and ledger).
    const [event] = shardStarts(invoker);
    expect((await run(value, event, context)).totals.pingsSent).toBe(2);
    // A minute on, nothing is due anywhere: shard 1 runs here, and this invocation takes the whole share.
    const quiet = await run(value, { time: '2026-11-23T10:01:00Z' }, context);
    expect(quiet.shards).toEqual({ dispatched: 0, failed: [], ranHere: [1] });
    expect(quiet.targets.map((target) => target.key).sort()).toEqual(['a:live', 'b:live', 'c:live', 'd:live']);
    expect(shares).toEqual([0.5, 0.5, 1]);
  });

  it("tells the shards of a deployment's warm-up that nobody scheduled it, so they spare no quiet target", async () => {
    const policies = ['a', 'b', 'c'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const { deps: value, invoker } = deps(policies, { shardSize: 2 });
    acceptShardStarts(invoker);
    const payloads = () => shardStarts(invoker).map((event) => event.thermostatShard);
    await run(value, { time: '2026-11-23T10:00:00Z' }, context);
    expect(payloads()[0].unscheduled).toBeUndefined();
    await run(value, { source: 'thermostat.deployment', fingerprint: { version: '2' } }, context);
    expect(payloads()[1]).toMatchObject({ index: 1, of: 2, unscheduled: true });
  });

  it('reads intents once per tick, not once per target: the root lists them and tells each shard its keys', async () => {
    const policies = ['a', 'b', 'c', 'd'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const { deps: value, invoker, state } = deps(policies, { shardSize: 2 });
    await state.recordIntent({ key: 'b:live', tickId: '2026-11-23T09:59:00Z', at: 0 });
    await state.recordIntent({ key: 'a:live', tickId: '2026-11-23T09:59:00Z', at: 0 });
    const reads: string[][] = [];
    const load = state.loadIntents.bind(state);
    state.loadIntents = (keys) => {
      reads.push([...keys]);
      return load(keys);
    };
    acceptShardStarts(invoker);
    await run(value, { time: '2026-11-23T10:00:00Z' }, context);
    const [shardEvent] = shardStarts(invoker);
    // Shard 1 holds b and d; only b has an intent.
    expect(shardEvent.thermostatShard).toMatchObject({ index: 1, of: 2, intentKeys: ['b:live'] });
    // Shard 0 takes its own (a's) from the list it made, with no read per target.
    expect(reads).toEqual([]);

    await run(value, shardEvent, context);
    expect(reads).toEqual([['b:live']]);
    // A shard event without the list (an older root) reads every key of the shard.
    const { intentKeys: _keys, ...older } = shardEvent.thermostatShard;
    await run(value, { thermostatShard: { ...older, tickId: '2026-11-23T10:01:00Z' } }, context);
    expect(reads.at(-1)).toEqual(['b:live', 'd:live']);
  });

  it('saves facts re-read on their timer only when they changed (a write per target per refresh otherwise)', async () => {
    const {
      deps: value,
      lambda,
      state,
    } = deps([{ function: 'a', qualifier: 'live', mode: 'provisioned', provisioned: { min: 1 } }]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const clock = { now: () => now, sleep: systemClock.sleep };
    const tick = { ...value, clock };
    const saves: string[] = [];
    const save = state.saveTarget.bind(state);
    state.saveTarget = (target, tickId) => {
      saves.push(tickId);
      return save(target, tickId);
    };
    await run(tick, { time: '2026-11-23T10:00:00Z' }, context);
    expect(saves).toEqual(['2026-11-23T10:00:00Z']);
    // Half an hour on: the facts are read again (their cache expired), found the same, and nothing else changed.
    now += 30 * 60_000;
    const reads = lambda.count('getFunction');
    const same = await run(tick, { time: '2026-11-23T10:30:00Z' }, context);
    expect(lambda.count('getFunction')).toBeGreaterThan(reads);
    expect(same.targets[0]?.state).toBe('unchanged');
    expect(saves).toHaveLength(1);
    // Changed facts are saved.
    lambda.functions.a = { ...lambda.functions.a, qualifiers: ['live'], memoryMb: 1024 };
    now += 30 * 60_000;
    const changed = await run(tick, { time: '2026-11-23T11:00:00Z' }, context);
    expect(changed.targets[0]?.state).toBe('saved');
    expect(saves).toEqual(['2026-11-23T10:00:00Z', '2026-11-23T11:00:00Z']);
  });

  it('reconciles provisioned concurrency it set and found settled every few minutes, anything else every tick', async () => {
    const { deps: value, lambda } = deps([
      { function: 'a', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } },
    ]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const tick = { ...value, clock: { now: () => now, sleep: systemClock.sleep } };
    const reads = () => lambda.count('getProvisionedConcurrencyConfig');
    await run(tick, { time: '2026-11-23T10:00:00Z' }, context);
    // Allocating: read every tick.
    now += 60_000;
    let before = reads();
    await run(tick, { time: '2026-11-23T10:01:00Z' }, context);
    expect(reads()).toBe(before + 1);
    // READY at Thermostat's value: read once more (and found settled), then not for the next minutes.
    lambda.provisioned.set('a:live', { requested: 2, status: 'READY' });
    now += 60_000;
    before = reads();
    await run(tick, { time: '2026-11-23T10:02:00Z' }, context);
    expect(reads()).toBe(before + 1);
    for (const minute of ['03', '04', '05']) {
      now += 60_000;
      const report = await run(tick, { time: `2026-11-23T10:${minute}:00Z` }, context);
      expect(report.targets[0]?.decisions[0]?.kind).toBe('keep-provisioned');
    }
    expect(reads()).toBe(before + 1);
    // After the settle period (15 minutes, stretched by up to a fifth) it is read again, and a change by someone
    // else is seen.
    lambda.provisioned.set('a:live', { requested: 5, status: 'READY' });
    now += 10 * 60_000;
    await run(tick, { time: '2026-11-23T10:15:00Z' }, context);
    expect(reads()).toBe(before + 1);
    now += 10 * 60_000;
    await run(tick, { time: '2026-11-23T10:25:00Z' }, context);
    expect(reads()).toBe(before + 2);
  });

  it('keeps the settled copy in the item, so a tick in another execution environment (empty caches) reads nothing', async () => {
    const {
      deps: value,
      lambda,
      state,
    } = deps([{ function: 'a', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } }]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const clock = { now: () => now, sleep: systemClock.sleep };
    // Every tick in a fresh environment, as shards land wherever Lambda finds one free.
    const elsewhere = () => ({ ...value, clock, caches: createCaches() });
    const reads = () => lambda.count('getProvisionedConcurrencyConfig');
    await run(elsewhere(), { time: '2026-11-23T10:00:00Z' }, context);
    lambda.provisioned.set('a:live', { requested: 2, status: 'READY' });
    now += 60_000;
    const found = await run(elsewhere(), { time: '2026-11-23T10:01:00Z' }, context);
    expect(found.targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.settled).toMatchObject({ at: now, provisioned: { requested: 2 } });
    const before = reads();
    for (const minute of ['02', '03', '04']) {
      now += 60_000;
      const report = await run(elsewhere(), { time: `2026-11-23T10:${minute}:00Z` }, context);
      expect(report.targets[0]?.decisions[0]?.kind).toBe('keep-provisioned');
      // Nothing new to keep: the item is not written again.
      expect(report.targets[0]?.state).toBe('unchanged');
    }
    expect(reads()).toBe(before);
    // Past the settle period the copy is read again, and a fresh one saved.
    now += 20 * 60_000;
    await run(elsewhere(), { time: '2026-11-23T10:24:00Z' }, context);
    expect(reads()).toBe(before + 1);
    expect(state.targets.get('a:live')?.settled?.at).toBe(now);
  });

  it("an environment whose own copy predates Thermostat's write takes the item's newer copy", async () => {
    const { deps: value, lambda } = deps([
      { function: 'a', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } },
    ]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const clock = { now: () => now, sleep: systemClock.sleep };
    const first = { ...value, clock, caches: createCaches() };
    // Environment A finds no configuration (settled as "none" in its memory), then puts one.
    const created = await run(first, { time: '2026-11-23T10:00:00Z' }, context);
    expect(created.targets[0]?.decisions.map((decision) => decision.kind)).toContain('put-provisioned');
    lambda.provisioned.set('a:live', { requested: 2, status: 'READY' });
    // Environment B reads it READY and keeps the copy in the item.
    now += 60_000;
    await run({ ...value, clock, caches: createCaches() }, { time: '2026-11-23T10:01:00Z' }, context);
    const reads = lambda.count('getProvisionedConcurrencyConfig');
    // Back in A: its "none" no longer matches what Thermostat owns; the item's copy does.
    now += 60_000;
    const report = await run(first, { time: '2026-11-23T10:02:00Z' }, context);
    expect(report.targets[0]?.decisions[0]?.kind).toBe('keep-provisioned');
    expect(lambda.count('getProvisionedConcurrencyConfig')).toBe(reads);
  });

  it('reads provisioned concurrency again before a write the settled copy would lead to', async () => {
    const policy = (min: number) => ({ function: 'a', qualifier: 'live', mode: 'provisioned', provisioned: { min } });
    const { deps: value, lambda } = deps([policy(2)]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const tick = { ...value, clock: { now: () => now, sleep: systemClock.sleep } };
    const reads = () => lambda.count('getProvisionedConcurrencyConfig');
    const puts = () => lambda.count('putProvisionedConcurrencyConfig');
    await run(tick, { time: '2026-11-23T10:00:00Z' }, context);
    lambda.provisioned.set('a:live', { requested: 2, status: 'READY' });
    now += 60_000;
    await run(tick, { time: '2026-11-23T10:01:00Z' }, context);
    const settledAfter = reads();
    now += 60_000;
    await run(tick, { time: '2026-11-23T10:02:00Z' }, context);
    expect(reads()).toBe(settledAfter);
    // Someone else raised it meanwhile, and the policy now asks for 3: the copy says 2 (a write), the fresh read 5,
    // which is not Thermostat's value any more, so nothing is overwritten.
    lambda.provisioned.set('a:live', { requested: 5, status: 'READY' });
    const withThree = deps([policy(3)]).deps.policies;
    const putsBefore = puts();
    now += 60_000;
    const report = await run({ ...tick, policies: withThree }, { time: '2026-11-23T10:03:00Z' }, context);
    expect(reads()).toBe(settledAfter + 1);
    expect(puts()).toBe(putsBefore);
    expect(report.targets[0]?.decisions.map((decision) => decision.kind)).not.toContain('put-provisioned');
  });

  it('auto mode keeping a qualifier warm with pings reads its (absent) provisioned concurrency every few minutes', async () => {
    const { deps: value, lambda } = deps([{ function: 'a', qualifier: 'live', mode: 'auto' }]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const tick = { ...value, clock: { now: () => now, sleep: systemClock.sleep } };
    const reads = () => lambda.count('getProvisionedConcurrencyConfig');
    await run(tick, { time: '2026-11-23T10:00:00Z' }, context);
    const first = reads();
    expect(first).toBeGreaterThan(0);
    for (const minute of ['01', '02', '03']) {
      now += 60_000;
      await run(tick, { time: `2026-11-23T10:${minute}:00Z` }, context);
    }
    expect(reads()).toBe(first);
    // Someone else's configuration appears: seen once the settle period (15 minutes, up to a fifth more) is over.
    lambda.provisioned.set('a:live', { requested: 3, status: 'READY' });
    now += 11 * 60_000;
    await run(tick, { time: '2026-11-23T10:14:00Z' }, context);
    expect(reads()).toBe(first);
    now += 8 * 60_000;
    await run(tick, { time: '2026-11-23T10:22:00Z' }, context);
    expect(reads()).toBe(first + 1);
  });

  it('keeps a round that proved what the last one did in the ping ledger, not in the target item', async () => {
    const { deps: value, state, invoker } = deps([{ function: 'a', qualifier: 'live', warm: { interval: '5m' } }]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const tick = { ...value, clock: { now: () => now, sleep: systemClock.sleep } };
    const at = async (minute: string) => {
      now = Date.parse(`2026-11-23T10:${minute}:00Z`);
      return run(tick, { time: `2026-11-23T10:${minute}:00Z` }, context);
    };
    const pings = () => invoker.calls.length;
    expect((await at('00')).targets[0]?.state).toBe('saved');
    expect(pings()).toBe(1);
    const second = await at('05');
    expect(pings()).toBe(2);
    expect(second.targets[0]?.state).toBe('ledger');
    // The item is the first round's; the ledger has the second.
    expect(state.targets.get('a:live')).toMatchObject({ lastTick: '2026-11-23T10:00:00Z', lastPingAt: now - 300_000 });
    expect(state.pings.get('0/1')?.pings.size).toBe(1);
    // Not due a minute later (the ledger says 10:05), due again five minutes after that.
    expect((await at('06')).totals.pingsSent).toBe(0);
    expect((await at('10')).targets[0]?.state).toBe('ledger');
    expect(pings()).toBe(3);
    // A round that proves something else (a new environment: someone else holds the first) is saved in the item,
    // and its ledger entry goes.
    invoker.environments[0]!.busy = true;
    const changed = await at('15');
    expect(changed.targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.lastTick).toBe('2026-11-23T10:15:00Z');
    expect(state.pings.get('0/1')?.pings.size).toBe(0);
  });

  it('a ledger that cannot be saved costs an extra round next tick, and never what the item records', async () => {
    const { deps: value, state, invoker, log } = deps([{ function: 'a', qualifier: 'live', warm: { interval: '5m' } }]);
    let now = Date.parse('2026-11-23T10:00:00Z');
    const tick = { ...value, clock: { now: () => now, sleep: async () => undefined } };
    const at = async (minute: string) => {
      now = Date.parse(`2026-11-23T10:${minute}:00Z`);
      return run(tick, { time: `2026-11-23T10:${minute}:00Z` }, context);
    };
    await at('00');
    state.savePings = () => Promise.reject(new StateStoreError('throttled'));
    const second = await at('05');
    expect(second.status).toBe('completed');
    expect(second.targets[0]?.state).toBe('ledger');
    expect(log.lines.some((line) => line.message.startsWith('the ping ledger could not be saved'))).toBe(true);
    // The 10:05 round is lost: the target is due again at once (one extra round), from what its item says.
    const third = await at('06');
    expect(third.totals.pingsSent).toBe(1);
    expect(invoker.calls).toHaveLength(3);
    // A ledger that cannot be read: every round goes to the item, as without a ledger.
    state.loadPings = () => Promise.reject(new StateStoreError('unreachable'));
    const fourth = await at('12');
    expect(fourth.targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.lastTick).toBe('2026-11-23T10:12:00Z');
  });

  it('runs one shard of a sharded tick when invoked with a shard event', async () => {
    const policies = ['a', 'b', 'c'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const { deps: value, invoker } = deps(policies, { shardSize: 1 });
    const event = { thermostatShard: { tickId: '2026-11-23T10:00:00Z', scheduledAt: 0, index: 1, of: 3 } };
    const report = await run(value, event, context);
    expect(report.shard).toEqual({ index: 1, of: 3 });
    expect(report.targets.map((target) => target.function)).toEqual(['b']);
    expect(invoker.calls.every((call) => call.InvocationType === 'RequestResponse')).toBe(true);
  });

  it('cleans up provisioned concurrency Thermostat set for a target whose policy was removed', async () => {
    const { deps: value, lambda, state } = deps([{ function: 'kept', qualifier: 'live', mode: 'off' }]);
    lambda.functions.old = { qualifiers: ['live'] };
    lambda.provisioned.set('old:live', { requested: 2, status: 'READY' });
    await state.saveTarget(
      {
        key: 'old:live',
        history: [],
        managed: { function: 'old', qualifier: 'live', provisioned: { strategy: 'direct', value: 2 }, since: 0 },
      },
      '2026-11-23T09:00:00Z',
    );
    const report = await run(value, { time: '2026-11-23T10:00:00Z' }, context);
    const old = report.targets.find((target) => target.key === 'old:live')!;
    expect(old.provisioned?.changes).toEqual([expect.objectContaining({ action: 'delete-provisioned' })]);
    expect(lambda.provisioned.has('old:live')).toBe(false);
    expect((await state.loadTargets(['old:live'])).get('old:live')?.managed).toBeUndefined();
  });

  it('while tag discovery is incomplete, releases nothing it may just not have found yet, and says partial', async () => {
    const { deps: value, lambda, state } = deps([{ function: 'kept', qualifier: 'live', mode: 'off' }]);
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:tagged';
    lambda.functions[arn] = { qualifiers: ['live'] };
    lambda.provisioned.set(`${arn}:live`, { requested: 2, status: 'READY' });
    const managed = {
      function: arn,
      qualifier: 'live',
      provisioned: { strategy: 'direct' as const, value: 2 },
      since: 0,
    };
    await state.saveTarget({ key: `${arn}:live`, history: [], managed }, '2026-11-23T09:00:00Z');
    const template = parsePolicyValue(
      { template: 'pc', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } },
      't.json',
    ).templates!;
    let complete = false;
    const discovery = {
      tag: 'thermostat:policy',
      discover: async () => ({
        functions: [],
        complete,
        scanned: 50,
        ...(complete ? {} : { note: 'out of time for this tick' }),
      }),
    };
    const withTemplates = { ...value, policies: { ...value.policies, templates: template }, discovery };
    const partial = await run(withTemplates, { time: '2026-11-23T10:00:00Z' }, context);
    expect(partial.status).toBe('partial');
    expect(partial.skipped).toEqual([
      { key: 'discovery', cause: 'discovery', reason: expect.stringContaining('tag discovery under way') },
    ]);
    expect(partial.discovery).toMatchObject({ tagged: 0, complete: false, scanned: 50 });
    expect(lambda.provisioned.has(`${arn}:live`)).toBe(true);
    // A complete pass without the function: its tag is gone, so what Thermostat set is released.
    complete = true;
    const done = await run(withTemplates, { time: '2026-11-23T10:01:00Z' }, context);
    expect(done.status).toBe('completed');
    expect(lambda.provisioned.has(`${arn}:live`)).toBe(false);
  });

  it('pauses at most 30 minutes while functions are discovered by tag, as long as traffic is trusted otherwise', async () => {
    const schedule = { group: 'default', name: 'tick', tickMs: 60_000, ticksOnDeploy: true };
    const { deps: value } = deps([{ function: 'kept', qualifier: 'live', mode: 'off' }], { schedule });
    const starts: Date[] = [];
    const scheduler = {
      getSchedule: async () => ({
        ScheduleExpression: 'rate(1 minute)',
        FlexibleTimeWindow: { Mode: 'OFF' as const },
        Target: { Arn: 'arn:aws:lambda:us-east-1:123456789012:function:controller', RoleArn: 'role' },
      }),
      updateSchedule: async (input: { StartDate?: Date }) => {
        starts.push(input.StartDate!);
        return {};
      },
    };
    const named = await run({ ...value, scheduler }, { time: '2026-11-23T10:00:00Z' }, context);
    expect(named.nextTick).toMatchObject({ paused: true, at: '2026-11-23T12:00:00.000Z' });
    // a newly tagged function is found only by a tick: the pause stays short
    const template = parsePolicyValue({ template: 'w', qualifier: 'live', mode: 'warm' }, 't.json').templates!;
    const discovery = {
      tag: 'thermostat:policy',
      discover: async () => ({ functions: [], complete: true, scanned: 3 }),
    };
    const tagged = { ...value, scheduler, policies: { ...value.policies, templates: template }, discovery };
    const found = await run(tagged, { time: '2026-11-23T11:00:00Z' }, context);
    expect(found.nextTick).toMatchObject({ paused: true, at: '2026-11-23T11:30:00.000Z' });
    expect(starts.map((date) => date.toISOString())).toEqual(['2026-11-23T12:00:00.000Z', '2026-11-23T11:30:00.000Z']);
  });

  it('reports policy issues without failing the tick', async () => {
    const { deps: value } = deps([{ function: 'a', qualifier: 'live' }]);
    const issues = [{ file: 'bad.yaml', path: 'mode', message: 'expected one of warm, provisioned, auto, off' }];
    const report = await run({ ...value, policies: { ...value.policies, issues } }, {}, context);
    expect(report.status).toBe('completed');
    expect(report.policies.issues).toEqual(issues);
    expect(report.totals.environmentsProven).toBe(1);
  });

  it('starts shards under the name it was given (Lambda’s AWS_LAMBDA_FUNCTION_NAME), not the invoked ARN', async () => {
    const policies = ['a', 'b', 'c'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const { deps: value, invoker } = deps(policies, { shardSize: 2 });
    acceptShardStarts(invoker);
    const report = await run({ ...value, self: 'Stack-Controller-1A2B' }, { time: '2026-11-23T10:00:00Z' }, context);
    expect(report.shards).toEqual({ dispatched: 1, failed: [] });
    const events = invoker.calls.filter((call) => call.InvocationType === 'Event');
    expect(events.map((call) => call.FunctionName)).toEqual(['Stack-Controller-1A2B']);
  });

  it('fails unmapped policies in their own shard and reports map entries without a policy once, in shard 0', async () => {
    const arn = (name: string) => `arn:aws:lambda:us-east-1:123456789012:function:Stack-${name}-1A2B:live`;
    const policies = ['a', 'b', 'c', 'd'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    const targets = { 'a:live': arn('a'), 'b:live': arn('b'), 'gone:live': arn('gone') };
    const { deps: value, lambda } = deps(policies, { shardSize: 2, targets });
    for (const name of ['a', 'b'])
      lambda.functions[`arn:aws:lambda:us-east-1:123456789012:function:Stack-${name}-1A2B`] = {
        qualifiers: ['live'],
      };
    const shard = (index: number) => ({
      thermostatShard: {
        tickId: '2026-11-23T10:00:00Z',
        scheduledAt: Date.parse('2026-11-23T10:00:00Z'),
        index,
        of: 2,
      },
    });
    // round-robin over sorted keys: shard 0 has a and c, shard 1 has b and d
    const first = await run(value, shard(0), context);
    const second = await run(value, shard(1), context);
    const summary = (report: typeof first) =>
      report.targets.map((t) => [t.key, t.target, t.status, t.failure?.kind ?? null]);
    expect(summary(first)).toEqual([
      ['a:live', 'Stack-a-1A2B:live', 'ok', null],
      ['c:live', 'c:live', 'failed', 'target-unmapped'],
      ['gone:live', 'Stack-gone-1A2B:live', 'failed', 'target-unknown'],
    ]);
    expect(summary(second)).toEqual([
      ['b:live', 'Stack-b-1A2B:live', 'ok', null],
      ['d:live', 'd:live', 'failed', 'target-unmapped'],
    ]);
    expect(first.policies).toMatchObject({ total: 4, inShard: 2 });
    expect(first.totals).toMatchObject({ targets: 3, targetFailures: 2, environmentsProven: 1 });
    // unmapped policies were never looked up by the names they were written with
    expect(lambda.calls.map((call) => (call.input as { FunctionName?: string }).FunctionName)).not.toContain('c');
  });

  it('gives the tick’s deadline to the rate limiters, so a queue of control-plane calls cannot outlast it', async () => {
    const policies = ['a', 'b', 'c'].map((name) => ({ function: name, qualifier: 'live', warm: { holdMs: 50 } }));
    // 50 s remaining, 45 s kept in reserve: 5 s of budget
    const { deps: value, lambda } = deps(policies, { reserveMs: 45_000 });
    // one GetFunction per 10 s: only the first fits the budget
    const getFunction = new RateLimiter(0.1, 1, systemClock);
    const control = new RateLimiter(100, 10, systemClock);
    const deadlines: number[] = [];
    const limited: RunDeps = {
      ...value,
      lambda: rateLimitedLambda(lambda, { control, getFunction }),
      setDeadline: (deadline) => {
        deadlines.push(deadline);
        getFunction.deadline = deadline;
        control.deadline = deadline;
      },
    };
    const before = Date.now();
    const report = await run(limited, { time: '2026-11-23T10:00:00Z' }, context);
    expect(deadlines).toHaveLength(1);
    expect(deadlines[0]).toBeGreaterThanOrEqual(before + 5_000);
    expect(deadlines[0]).toBeLessThanOrEqual(Date.now() + 5_000);
    expect(lambda.count('getFunction')).toBe(1);
    // The two whose reads could not be sent in time are not failures of theirs: skipped, said why, tick partial.
    expect(report.targets.map((t) => t.status)).toEqual(['ok']);
    expect(report.status).toBe('partial');
    expect(report.skipped).toHaveLength(2);
    for (const skipped of report.skipped)
      expect(skipped).toEqual({
        key: expect.stringMatching(/^[abc]:live$/),
        cause: 'rate-limit',
        reason: expect.stringMatching(/^GetFunction not sent: .* past the tick's time budget; retried next tick$/),
      });
  }, 10_000);
});

describe('the time reserve', () => {
  it('keeps 5 s of the invocation in reserve by default: with less left nothing starts, with more the target is pinged', async () => {
    expect(DEFAULT_CONFIG.reserveMs).toBe(5_000);
    const short = deps([{ function: 'a', qualifier: 'live' }]);
    const cut = await run(short.deps, { time: '2026-11-23T10:00:00Z' }, { getRemainingTimeInMillis: () => 4_900 });
    expect(short.invoker.calls).toHaveLength(0);
    expect(cut.status).toBe('partial');
    expect(cut.skipped).toEqual([
      {
        key: 'a:live',
        cause: 'time-budget',
        reason: expect.stringContaining('5000 ms kept in reserve'),
      },
    ]);
    const enough = deps([{ function: 'a', qualifier: 'live' }]);
    const done = await run(enough.deps, { time: '2026-11-23T10:00:00Z' }, { getRemainingTimeInMillis: () => 8_000 });
    expect(done.status).toBe('completed');
    expect(enough.invoker.calls).toHaveLength(1);
  });
});

/**
 * One warm target whose proofs report `real.served` requests since their environment started (set between ticks), on
 * a clock 30 s past each tick's scheduled time; `traffic(memory)` gives deps with that memory, or none.
 */
function servedTarget(interval = '5m') {
  const { deps: base, invoker, state } = deps([{ function: 'a', qualifier: 'live', warm: { interval } }]);
  let at = 0;
  const clock = { now: () => at, sleep: systemClock.sleep };
  const real = { served: 0 };
  const original = invoker.invoke.bind(invoker);
  invoker.invoke = async (input, options) => {
    const out = await original(input, options);
    const body = JSON.parse(Buffer.from(out.Payload!).toString('utf8'));
    if (body.thermostat?.proof)
      Object.assign(body.thermostat.proof, { realServed: real.served, lastRealRequestAt: at - 1_000 });
    return { ...out, Payload: Buffer.from(JSON.stringify(body)) };
  };
  return {
    state,
    real,
    now: () => at,
    traffic: (memory?: TrafficMemory): RunDeps => ({ ...base, clock, ...(memory ? { traffic: memory } : {}) }),
    tick: (value: RunDeps, time: string) => {
      at = Date.parse(time) + 30_000;
      return run(value, { time }, context);
    },
  };
}

describe('traffic histories between saves (TrafficMemory)', () => {
  it('keeps a round that changed only the traffic in memory and the ledger, saves it once the stored copy is an hour old, and a failed save loses nothing', async () => {
    const { state, real, traffic, tick, now } = servedTarget();
    const warm = traffic(new TrafficMemory());
    const stored = () => state.targets.get('a:live');

    // A run without memory saves its item at once (see the first rounds below).
    expect((await tick(traffic(), '2026-11-23T10:00:00Z')).targets[0]?.state).toBe('saved');
    const first = stored()?.traffic;
    real.served = 3;
    // Same environment, more real requests: only the traffic changed, and its stored copy is recent.
    expect((await tick(warm, '2026-11-23T10:05:00Z')).targets[0]?.state).toBe('ledger');
    expect(stored()?.traffic).toEqual(first);
    expect(state.pings.get('0/1')?.pings.size).toBe(1);

    // An hour after the stored copy the save is due, and it fails right then: the report says so...
    real.served = 7;
    const saveTarget = state.saveTarget.bind(state);
    state.saveTarget = () => Promise.reject(new StateStoreError('table unreachable'));
    const failed = await tick(warm, '2026-11-23T11:00:00Z');
    expect(failed.targets[0]).toMatchObject({ state: 'failed', failure: { kind: 'state-save' } });
    expect(stored()?.traffic).toEqual(first);
    // ...and the next tick saves the newest history.
    state.saveTarget = saveTarget;
    real.served = 9;
    expect((await tick(warm, '2026-11-23T11:05:00Z')).targets[0]?.state).toBe('saved');
    expect(stored()?.traffic?.environments[0]).toMatchObject({ realServed: 9 });
    expect(stored()?.traffic?.at).toBe(now());
  });

  it('saves at once the round whose idle times came to predict the next request, where that changes the pings', async () => {
    // a request before every round, 12 minutes apart: the third gap reads as a timer, 36 minutes after the last save
    const gapsOf = async (policyInterval: string) => {
      const { state, real, traffic, tick } = servedTarget(policyInterval);
      const warm = traffic(new TrafficMemory());
      const states: Array<string | undefined> = [];
      for (const [i, time] of ['10:00', '10:12', '10:24', '10:36'].entries()) {
        real.served = i;
        // the first without memory, which saves the item at once
        states.push((await tick(i === 0 ? traffic() : warm, `2026-11-23T${time}:00Z`)).targets[0]?.state);
      }
      return { states, stored: state.targets.get('a:live')?.traffic?.idleTimes };
    };
    // on a 5-minute interval a 12-minute gap can be pre-warmed for: the item is saved with all three gaps
    const short = await gapsOf('5m');
    expect(short.states).toEqual(['saved', 'ledger', 'ledger', 'saved']);
    expect(short.stored).toEqual([720_000, 720_000, 720_000]);
    // on a 10-minute one it cannot (no pre-warm saves a round): the hourly rule alone, the first copy stays
    const long = await gapsOf('10m');
    expect(long.states).toEqual(['saved', 'ledger', 'ledger', 'ledger']);
    expect(long.stored).toEqual([]);
  });

  it('a controller starting cold plans from the stored history, and one without memory saves every change', async () => {
    const { state, real, traffic, tick } = servedTarget();
    const warm = traffic(new TrafficMemory());
    expect((await tick(traffic(), '2026-11-23T10:00:00Z')).targets[0]?.state).toBe('saved');
    real.served = 3;
    expect((await tick(warm, '2026-11-23T10:05:00Z')).targets[0]?.state).toBe('ledger');
    // A new environment has no memory: it plans from the stored copy (served 0), sees the change again, keeps it.
    const cold = traffic(new TrafficMemory());
    real.served = 4;
    expect((await tick(cold, '2026-11-23T10:10:00Z')).targets[0]?.state).toBe('ledger');
    // Each environment remembers its own newest history; the stored copy is still the first tick's.
    const remembered = (memory: TrafficMemory | undefined) => {
      const states = new Map([['a:live', state.targets.get('a:live')!]]);
      memory?.merge(states);
      return states.get('a:live')?.traffic?.environments[0]?.realServed;
    };
    expect([remembered(warm.traffic), remembered(cold.traffic), remembered(undefined)]).toEqual([3, 4, 0]);
    // Without memory (the CLI's one-tick runs) every change is saved at once.
    const oneShot = traffic();
    real.served = 5;
    expect((await tick(oneShot, '2026-11-23T10:15:00Z')).targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.traffic?.environments[0]).toMatchObject({ realServed: 5 });
  });

  it('writes no item for a target until what it taught would be saved: an hour after its history began, then once', async () => {
    const { state, real, traffic, tick } = servedTarget();
    const memory = new TrafficMemory();
    const warm = traffic(memory);
    const states: Array<string | undefined> = [];
    for (const [i, time] of ['10:00', '10:05', '10:30', '10:55'].entries()) {
      real.served = i;
      states.push((await tick(warm, `2026-11-23T${time}:00Z`)).targets[0]?.state);
    }
    // One environment each round, its history in memory and its round's time in the ledger: no item yet.
    expect(states).toEqual(['ledger', 'ledger', 'ledger', 'ledger']);
    expect(state.targets.has('a:live')).toBe(false);
    expect(state.pings.get('0/1')?.pings.size).toBe(1);
    // The memory planned each round from the newest history (the ledger timed it): the requests it saw add up.
    const planned = new Map();
    memory.merge(planned, ['a:live']);
    expect(planned.get('a:live')).toMatchObject({ unsaved: true, traffic: { environments: [{ realServed: 3 }] } });
    // An hour after the history began, with real requests seen since, the item is written, and the ledger forgets it.
    real.served = 4;
    expect((await tick(warm, '2026-11-23T11:00:00Z')).targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.traffic?.environments[0]).toMatchObject({ realServed: 4 });
    expect(state.targets.get('a:live')?.unsaved).toBeUndefined();
    expect(state.pings.get('0/1')?.pings.size ?? 0).toBe(0);
  });

  it('saves what a round heard where an earlier environment pinged the target and went with its history', async () => {
    const { state, real, traffic, tick } = servedTarget();
    // the first environment: its round's time in the ledger, what it heard in its memory alone
    real.served = 2;
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T10:00:00Z')).targets[0]?.state).toBe('ledger');
    expect(state.targets.has('a:live')).toBe(false);
    // half an hour on, a new environment (a controller paused past Lambda's idle reclaim): the ledger knows the round,
    // the history is gone, and this one would go with it before the next tick
    const store = state as typeof state & { livesOn?: () => boolean };
    store.livesOn = () => false;
    real.served = 40;
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T10:30:00Z')).targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.traffic?.environments[0]).toMatchObject({ realServed: 40 });
    // an environment that lives from tick to tick keeps the next history in memory, as before
    store.livesOn = () => true;
    real.served = 50;
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T10:35:00Z')).targets[0]?.state).toBe('ledger');
  });

  it('a new environment whose save of what it heard fails: reported, and the next new environment saves it', async () => {
    const { state, real, traffic, tick } = servedTarget();
    real.served = 2;
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T10:00:00Z')).targets[0]?.state).toBe('ledger');
    const store = state as typeof state & { livesOn?: () => boolean };
    store.livesOn = () => false;
    // the write is refused right after the round that heard 40 requests: the tick says so, and its ledger entry stays
    const saveTarget = state.saveTarget.bind(state);
    state.saveTarget = () => Promise.reject(new StateStoreError('table unreachable'));
    real.served = 40;
    const failed = await tick(traffic(new TrafficMemory()), '2026-11-23T10:30:00Z');
    expect(failed.targets[0]).toMatchObject({ state: 'failed', failure: { kind: 'state-save' } });
    expect(state.targets.has('a:live')).toBe(false);
    expect(state.pings.get('0/1')?.pings.size).toBe(1);
    // that environment went with what it heard; the next one, half an hour on, hears again and saves it
    state.saveTarget = saveTarget;
    real.served = 55;
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T11:00:00Z')).targets[0]?.state).toBe('saved');
    expect(state.targets.get('a:live')?.traffic?.environments[0]).toMatchObject({ realServed: 55 });
  });

  it('writes the item at once for a round of more than one environment, and a controller starting cold before the first item starts afresh', async () => {
    const { state, traffic, tick } = servedTarget();
    // A new environment, with nothing remembered and no item: the round's time is all the ledger has.
    expect((await tick(traffic(new TrafficMemory()), '2026-11-23T10:00:00Z')).targets[0]?.state).toBe('ledger');
    const cold = await tick(traffic(new TrafficMemory()), '2026-11-23T10:05:00Z');
    expect(cold.targets[0]).toMatchObject({ status: 'ok', state: 'ledger', warm: { wanted: 1, proven: 1 } });
    expect(state.targets.has('a:live')).toBe(false);
    // Two environments wanted: the item is written at once (its rounds are held, and a size must not be forgotten).
    const two = deps([{ function: 'b', qualifier: 'live', warm: { concurrency: 2 } }]);
    const report = await run({ ...two.deps, traffic: new TrafficMemory() }, { time: '2026-11-23T10:00:00Z' }, context);
    expect(report.targets[0]).toMatchObject({ state: 'saved', warm: { wanted: 2 } });
    expect(two.state.targets.get('b:live')).toMatchObject({ lastWanted: 2 });
  });
});
