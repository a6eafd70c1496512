import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { run } from '../../../controller/run';
import type { StateStore } from '../../../controller/state';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

const version = { versions: { '1': {} }, aliases: { live: '1' } };

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    controlPlaneRps: 500,
    functions: [
      { name: 'healthy', handler: WARM_TARGET, ...version },
      { name: 'throttled', handler: WARM_TARGET, ...version },
      { name: 'erroring', handler: 'targets/throws.js', ...version },
      { name: 'slow', handler: 'targets/slow.js', timeoutMs: 300, ...version },
      { name: 'broken-init', handler: WARM_TARGET, ...version },
      { name: 'no-helper', handler: 'targets/plain.js', ...version },
      { name: 'capped', handler: WARM_TARGET, reservedConcurrency: 5, ...version },
      { name: 'fresh', handler: WARM_TARGET, ...version },
    ],
  });
  harness.emulator.injectFault({ kind: 'throttle', functionName: 'throttled' });
  harness.emulator.injectFault({ kind: 'initFailure', functionName: 'broken-init', message: 'cannot load config' });
});
afterAll(() => harness?.stop());

/** The tick at `time` run again by a delivery that arrived after the first run's lease and took its claim over. */
function takeOver(controller: ReturnType<Harness['controller']>, time: string) {
  const late: StateStore = new Proxy(controller.deps.state, {
    get(target, property, receiver) {
      if (property === 'claimTick') return async () => 'claimed';
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return run({ ...controller.deps, state: late }, { time }, { getRemainingTimeInMillis: () => 50_000 });
}

describe('each fault class is reported for its own target while the others succeed', () => {
  it('classifies throttles, function errors, timeouts, missing functions and aliases, init failures', async () => {
    const controller = harness.controller(
      [
        { function: 'healthy', qualifier: 'live', warm: { concurrency: 2 } },
        { function: 'throttled', qualifier: 'live', warm: { concurrency: 2 } },
        { function: 'erroring', qualifier: 'live', warm: { concurrency: 2 } },
        { function: 'slow', qualifier: 'live', warm: { concurrency: 1, holdMs: 100 } },
        { function: 'ghost', qualifier: 'live', warm: { concurrency: 1 } },
        { function: 'healthy', qualifier: 'nope', warm: { concurrency: 1 } },
        { function: 'broken-init', qualifier: 'live', warm: { concurrency: 1 } },
        { function: 'no-helper', qualifier: 'live', warm: { concurrency: 1 } },
      ],
      {
        THERMOSTAT_EVENT_BUS: 'thermostat-bus',
        THERMOSTAT_MAX_ROUNDS: '2',
        THERMOSTAT_CALL_TIMEOUT_MS: '3000',
        THERMOSTAT_DETAILED_METRICS: 'throttled:live,healthy:live',
      },
    );
    const report = await controller.tick('2026-11-23T10:00:00Z');
    expect(report.status).toBe('completed');
    const failure = Object.fromEntries(report.targets.map((t) => [t.target, t.failure?.kind ?? 'ok']));
    expect(failure).toEqual({
      'healthy:live': 'ok',
      'throttled:live': 'throttled',
      'erroring:live': 'function-error',
      'slow:live': 'timed-out',
      'ghost:live': 'function-missing',
      'healthy:nope': 'qualifier-missing',
      'broken-init:live': 'function-error',
      'no-helper:live': 'invalid-response',
    });
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t]));
    expect(byTarget['healthy:live'].warm).toMatchObject({ proven: 2, shortfall: 0 });
    expect(byTarget['erroring:live'].failure?.message).toBe('OrderError: cannot handle this event');
    expect(byTarget['broken-init:live'].failure?.message).toContain('cannot load config');
    expect(byTarget['no-helper:live'].failure?.message).toContain('withThermostat');
    // A function error is never a success: no environment was counted for it.
    expect(byTarget['erroring:live'].warm).toMatchObject({ proven: 0, answered: 0 });
    expect(report.totals.targetFailures).toBe(7);
    // a count of zero is not published
    expect(controller.metrics.forTarget('throttled:live')).toMatchObject({ TargetFailures: 1 });
    expect(controller.metrics.forTarget('throttled:live')).not.toHaveProperty('EnvironmentsProven');
    expect(controller.metrics.forTarget('healthy:live')).toMatchObject({ EnvironmentsProven: 2 });
    expect(controller.metrics.forTarget('healthy:live')).not.toHaveProperty('TargetFailures');

    // One event per failed target plus the tick summary, on the configured bus, in batches of at most 10.
    const events = harness.emulator.events().filter((event) => event.eventBusName === 'thermostat-bus');
    expect(events.filter((event) => event.detailType === 'Thermostat Target Failed')).toHaveLength(7);
    const summary = events.find((event) => event.detailType === 'Thermostat Tick Summary');
    expect(summary).toMatchObject({
      source: 'thermostat',
      detail: { runId: report.runId, totals: { targetFailures: 7 } },
    });
    expect(report.events).toEqual({ published: 8, failed: 0 });

    // One structured line per target outcome.
    const lines = controller.log.lines.filter(
      (line) => line.message === 'target done' || line.message === 'target failed',
    );
    expect(lines).toHaveLength(8);
  });
});

describe('budgets', () => {
  it('never uses all of a reserved concurrency, and stays within the share of a nearly full account', async () => {
    // A hog reserves most of the account: 1,000 - 860 - 5 (capped) = 135 unreserved.
    harness.emulator.registerFunction({ name: 'hog', handler: 'targets/plain.js', reservedConcurrency: 860 });
    harness.emulator.registerFunction({ name: 'big', handler: harness.warmTarget, ...version });
    // Exact ping counts mean one round each: a hold of 1.5 s keeps every ping of a round overlapping under load.
    const controller = harness.controller([
      { function: 'capped', qualifier: 'live', warm: { concurrency: 10, holdMs: 1_500 } },
      { function: 'big', qualifier: 'live', warm: { concurrency: 50, holdMs: 1_500 }, budget: { maxShare: 0.1 } },
    ]);
    const report = await controller.tick('2026-11-23T11:00:00Z');
    expect(report.account).toMatchObject({ limit: 1000, unreserved: 135 });
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t]));
    expect(byTarget['capped:live'].warm).toMatchObject({ pingsSent: 4, proven: 4, shortfall: 6 });
    expect(byTarget['capped:live'].decisions[0].reason).toContain('reserved concurrency 5 (1 kept for real traffic)');
    // The most restrictive share sets the tick's pool (0.1 of 135 = 13): capped's 4 first, big gets the other 9.
    expect(byTarget['big:live'].warm).toMatchObject({ pingsSent: 9, proven: 9, shortfall: 41 });
    expect(byTarget['big:live'].decisions[0].reason).toContain('budget.maxShare 0.1 of 135 unreserved');
    expect(harness.emulator.environments('big')).toHaveLength(9);
    expect(harness.emulator.environments('capped')).toHaveLength(4);
  });
});

describe('idempotency and time', () => {
  it('a duplicated scheduled delivery changes nothing', async () => {
    const controller = harness.controller([{ function: 'healthy', qualifier: 'live', warm: { concurrency: 3 } }]);
    const first = await controller.tick('2026-11-23T12:00:00Z');
    expect(first.status).toBe('completed');
    const invocations = () =>
      harness.emulator.inspect().functions.find((f) => f.name === 'healthy')!.counts.invocations;
    const before = invocations();
    const duplicate = await controller.tick('2026-11-23T12:00:00Z');
    expect(duplicate).toMatchObject({ status: 'duplicate', targets: [], totals: { pingsSent: 0 } });
    expect(invocations()).toBe(before);
    // A second controller instance (another execution environment) receiving the same delivery agrees.
    const other = harness.controller([{ function: 'healthy', qualifier: 'live', warm: { concurrency: 3 } }]);
    expect((await other.tick('2026-11-23T12:00:00Z')).status).toBe('duplicate');
    expect(invocations()).toBe(before);
  });

  it('stops starting work near the end of the time budget and says what was skipped', async () => {
    const controller = harness.controller([
      { function: 'healthy', qualifier: 'live', warm: { concurrency: 1 } },
      { function: 'capped', qualifier: 'live', warm: { concurrency: 1 } },
    ]);
    const report = await controller.tick('2026-11-23T13:00:00Z', 1_000);
    expect(report.status).toBe('partial');
    expect(report.skipped.map((s) => s.key).sort()).toEqual(['capped:live', 'healthy:live']);
    expect(report.skipped[0].reason).toContain('time budget');
    // Skipped targets are not marked as pinged: the next tick picks them up.
    const next = await controller.tick('2026-11-23T13:01:00Z');
    expect(next.totals.pinged).toBe(2);
  });

  it('gives up pings still unanswered when the budget ends, so the tick ends within its invocation', async () => {
    // Answers after a minute; the ping's own timeout (hold + cold-start allowance + 10 s) is beyond the budget.
    harness.emulator.registerFunction({ name: 'stuck', handler: 'targets/slow.js', timeoutMs: 20_000, ...version });
    const controller = harness.controller(
      [{ function: 'stuck', qualifier: 'live', warm: { concurrency: 1, holdMs: 100 } }],
      {
        THERMOSTAT_RESERVE_MS: '2000',
      },
    );
    // 15 s left, 2 s kept in reserve: the round (about 2.1 s by the controller's own estimate) still starts even if
    // observing takes ~10 s on a badly loaded CI machine, and the ping is given up 13 s in — long before the minute
    // the function takes to answer.
    const remainingMs = 15_000;
    const report = await controller.tick('2026-11-23T15:00:00Z', remainingMs);
    // The environment was not proven: the tick did not do what it wanted, and says so.
    expect(report.status).toBe('partial');
    expect(report.skipped).toEqual([
      { key: 'stuck:live', cause: 'time-budget', reason: expect.stringContaining('0 of 1 environments proven') },
    ]);
    expect(report.durationMs).toBeLessThan(remainingMs);
    // A one-ping round holds nothing, so a timed-out round may be retried once while time allows; each is given up.
    const warm = report.targets[0].warm!;
    expect(warm).toMatchObject({ stoppedBy: 'time-budget', shortfall: 1 });
    expect(warm.rounds).toBe(warm.pingsSent);
    expect(warm.outcomes['timed-out']).toBe(warm.pingsSent);
    // the round was recorded: the next tick knows a ping was sent (in the ping ledger: a one-environment round of a
    // target no item holds taught nothing an item must keep)
    expect(report.targets[0].state).toBe('ledger');
  }, 40_000);

  it('a failing event bus is logged and never fails the tick', async () => {
    const controller = harness.controller([{ function: 'healthy', qualifier: 'live', warm: { concurrency: 1 } }]);
    const deps = {
      ...controller.deps,
      events: { bus: 'x', api: { putEvents: () => Promise.reject(new Error('EventBridge is down')) } },
    };
    const { run } = await import('../../../controller/run');
    const report = await run(deps, { time: '2026-11-23T14:00:00Z' }, { getRemainingTimeInMillis: () => 50_000 });
    expect(report.status).toBe('completed');
    expect(report.events).toEqual({ published: 0, failed: 1 });
    expect(controller.log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'publishing events failed' }),
    );
  });

  // Last in the file, at the latest ticks: its ledger is the table's newest.
  it('a tick completed by its ledger is done: a duplicate, even one that took the expired claim over, pings nothing', async () => {
    const policies = [{ function: 'healthy', qualifier: 'live', warm: { concurrency: 1, interval: '5m' } }];
    const controller = harness.controller(policies);
    const first = await controller.tick('2026-11-24T16:00:00Z');
    const stored = async (pk: string) =>
      (
        await harness.dynamo.send(
          new GetItemCommand({ TableName: harness.table, Key: { pk: { S: pk } }, ConsistentRead: true }),
        )
      ).Item;
    // A controller environment's first tick writes its ledger, whose write completes the tick.
    expect((await stored('pings#0/1'))?.completedBy?.S).toBe(first.runId);
    // The same proof five minutes later goes to the ping ledger, which the environment that ran the tick before
    // holds (held-ledger.ts): the tick it completes is the one the environment remembers.
    const repeat = await controller.tick('2026-11-24T16:05:00Z');
    expect(repeat).toMatchObject({ status: 'completed', targets: [{ state: 'ledger' }] });
    expect((await stored('pings#0/1'))?.lastTick?.S).toBe(first.tickId);
    // No write marks a claim done: the ledger, saved last, says the tick is over.
    expect((await stored(`tick#${repeat.tickId}#0/1`))?.status?.S).toBe('running');
    const invocations = () =>
      harness.emulator.inspect().functions.find((f) => f.name === 'healthy')!.counts.invocations;
    const before = invocations();
    expect((await controller.tick('2026-11-24T16:05:00Z')).status).toBe('duplicate');
    // A delivery arriving after the first run's lease ran out takes the claim over, then finds the tick's ledger.
    const takenOver = await takeOver(controller, '2026-11-24T16:05:00Z');
    expect(takenOver).toMatchObject({ status: 'duplicate', targets: [], totals: { pingsSent: 0 } });
    expect(invocations()).toBe(before);
  });

  it("a controller starting cold finds the table's ledger: the rounds the last environment held are pinged once more, no more", async () => {
    const policies = [{ function: 'healthy', qualifier: 'live', warm: { concurrency: 1, interval: '5m' } }];
    const warm = harness.controller(policies);
    // a new environment writes its ledger; the next tick, in the environment that ran this one, holds it
    await warm.tick('2026-11-24T20:00:00Z');
    expect(await warm.tick('2026-11-24T20:05:00Z')).toMatchObject({ targets: [{ state: 'ledger' }] });
    // that environment knows the round: nothing is due a minute on
    expect((await warm.tick('2026-11-24T20:06:00Z')).totals.pingsSent).toBe(0);
    // another environment, starting cold, finds the table's copy (20:00): the target is due again, once
    const cold = await harness.controller(policies).tick('2026-11-24T20:07:00Z');
    expect(cold.totals.pingsSent).toBe(1);
    // new, it wrote what it had: the next tick, in any environment, knows the round
    expect((await harness.controller(policies).tick('2026-11-24T20:08:00Z')).totals.pingsSent).toBe(0);
  });

  it('a late duplicate of a tick that saved its rounds in their items finds them and pings nothing', async () => {
    const policies = (concurrency: number) => [
      { function: 'fresh', qualifier: 'live', warm: { concurrency, interval: '5m' } },
    ];
    // rounds of more than one environment are saved in the target's item, and the ledger is left as it was
    expect(await harness.controller(policies(2)).tick('2026-11-24T17:00:00Z')).toMatchObject({
      targets: [{ state: 'saved' }],
    });
    const controller = harness.controller(policies(3));
    const first = await controller.tick('2026-11-24T17:05:00Z');
    expect(first).toMatchObject({ status: 'completed', totals: { pingsSent: 3 }, targets: [{ state: 'saved' }] });
    const invocations = () => harness.emulator.inspect().functions.find((f) => f.name === 'fresh')!.counts.invocations;
    const before = invocations();
    // a delivery after the lease takes the claim over (no write marked it done) and plans from what was saved
    const again = await takeOver(controller, '2026-11-24T17:05:00Z');
    expect(again.status).toBe('completed');
    expect(again.totals.pingsSent).toBe(0);
    expect(invocations()).toBe(before);
  });
});
