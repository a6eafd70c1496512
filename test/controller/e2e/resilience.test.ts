import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { StateStoreError } from '../../../controller/errors';
import { type RunDeps, run } from '../../../controller/run';
import type { StateStore } from '../../../controller/state';
import { type Controller, type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * Faults combined with timing, against the real controller, the emulator and dynalite (issue 15's findings): a hung
 * control-plane call, a tick that runs out of time halfway.
 */
const fn = (name: string) => ({
  name,
  handler: WARM_TARGET,
  // Long enough that the planner never shortens a hold (it keeps holds within half the function's timeout).
  timeoutMs: 60_000,
  versions: { '1': {} },
  aliases: { live: '1' },
});
const MANY = Array.from({ length: 30 }, (_, index) => `many-${index}`);

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    controlPlaneRps: 500,
    provisionedAllocationDelayMs: 100,
    functions: [
      fn('hung'),
      fn('fine-a'),
      fn('fine-b'),
      fn('owned'),
      fn('retried'),
      fn('unrecorded'),
      fn('ledgered'),
      ...MANY.map(fn),
    ],
  });
});
afterAll(() => harness?.stop());

const invocations = (name: string) =>
  harness.emulator.inspect().functions.find((f) => f.name === name)!.counts.invocations;

describe('a hung control-plane call stalls nothing but its own target', () => {
  it('GetFunction hanging far beyond the budget: the healthy targets are pinged, the tick ends in time', async () => {
    // 20 s of silence on an 8 s invocation (7 s of budget): before, the tick waited for the answer, pinged nothing
    // and outlived its invocation.
    const fault = harness.emulator.injectFault({
      kind: 'latency',
      operation: 'GetFunction',
      functionName: 'hung',
      latencyMs: 20_000,
    });
    try {
      const controller = harness.controller([
        { function: 'hung', qualifier: 'live', warm: { concurrency: 1 } },
        { function: 'fine-a', qualifier: 'live', warm: { concurrency: 2 } },
        { function: 'fine-b', qualifier: 'live', warm: { concurrency: 1 } },
      ]);
      const remainingMs = 8_000;
      const report = await controller.tick('2026-11-23T10:00:00Z', remainingMs);
      expect(report.durationMs).toBeLessThan(remainingMs);

      const byTarget = Object.fromEntries(report.targets.map((target) => [target.key, target]));
      expect(byTarget['fine-a:live']).toMatchObject({ status: 'ok', warm: { proven: 2, shortfall: 0 } });
      expect(byTarget['fine-b:live']).toMatchObject({ status: 'ok', warm: { proven: 1, shortfall: 0 } });
      expect(invocations('hung')).toBe(0);
      // The hung target is named, with the reason, and the tick says it did not do everything.
      expect(report.status).toBe('partial');
      expect(report.skipped).toEqual([
        {
          key: 'hung:live',
          cause: 'time-budget',
          reason: expect.stringMatching(/^GetFunction gave no answer before the tick's time budget ran out/),
        },
      ]);
      expect(controller.metrics.totals()).toMatchObject({ TicksPartial: 1, TargetsSkipped: 1, EnvironmentsProven: 3 });
    } finally {
      harness.emulator.clearFaults(fault);
    }
  }, 30_000);

  it('a call that hangs past its own timeout fails its target alone, and the tick still completes the others', async () => {
    const fault = harness.emulator.injectFault({
      kind: 'latency',
      operation: 'GetFunction',
      functionName: 'hung',
      latencyMs: 20_000,
    });
    try {
      const controller = harness.controller(
        [
          { function: 'hung', qualifier: 'live', warm: { concurrency: 1 } },
          { function: 'fine-a', qualifier: 'live', warm: { concurrency: 1 } },
        ],
        { THERMOSTAT_AWS_CALL_TIMEOUT_MS: '1500' },
      );
      const report = await controller.tick('2026-11-23T10:10:00Z');
      const byTarget = Object.fromEntries(report.targets.map((target) => [target.key, target]));
      expect(byTarget['fine-a:live']).toMatchObject({ status: 'ok', warm: { proven: 1 } });
      expect(byTarget['hung:live']).toMatchObject({
        status: 'failed',
        failure: {
          kind: 'unreadable',
          message: expect.stringMatching(/^GetFunction failed: GetFunction gave no answer within 1500 ms/),
        },
      });
      expect(report.durationMs).toBeLessThan(15_000);
    } finally {
      harness.emulator.clearFaults(fault);
    }
  }, 30_000);
});

describe('honest reports', () => {
  it('30 targets with 6 s left: partial, the ones not pinged listed with the reason, totals as sent', async () => {
    // Half need one ping and fit the budget; the other half would hold two pings for 6 s and never can.
    const controller = harness.controller(
      MANY.map((name, index) => ({
        function: name,
        qualifier: 'live',
        // A one-ping round needs no hold; two pings hold together, so the long half cannot fit.
        warm: index % 2 === 0 ? { concurrency: 1, holdMs: 100 } : { concurrency: 2, holdMs: 6_000 },
      })),
    );
    const before = Object.fromEntries(MANY.map((name) => [name, invocations(name)]));
    const report = await controller.tick('2026-11-23T11:00:00Z', 6_000);
    const sent = MANY.reduce((sum, name) => sum + invocations(name) - before[name], 0);

    expect(report.status).toBe('partial');
    // Every target that got no ping is listed, with the reason; the long holds can never fit, so they are among them.
    const pinged = report.targets.filter((target) => (target.warm?.pingsSent ?? 0) > 0).map((target) => target.key);
    const notPinged = MANY.map((name) => `${name}:live`).filter((key) => !pinged.includes(key));
    expect(report.skipped.map((skipped) => skipped.key).sort()).toEqual(notPinged.sort());
    const long = MANY.filter((_, index) => index % 2 === 1).map((name) => `${name}:live`);
    expect(notPinged).toEqual(expect.arrayContaining(long));
    for (const skipped of report.skipped) {
      expect(skipped).toEqual({
        key: expect.any(String),
        cause: 'time-budget',
        reason: expect.stringMatching(/time budget.*; retried next tick$/),
      });
    }
    // Totals are what was sent: a target with no ping sent is not counted as pinged.
    expect(pinged.length).toBeGreaterThan(0);
    expect(report.totals).toMatchObject({ pingsSent: sent, pinged: pinged.length, environmentsProven: sent });
    expect(controller.metrics.totals()).toMatchObject({
      TicksPartial: 1,
      TargetsSkipped: notPinged.length,
      PingsSent: sent,
    });
  }, 30_000);
});

/** The harness's real state store (dynalite) with `method` failing for one target, `times` times. */
function failing(store: StateStore, method: 'saveTarget' | 'recordIntent', key: string, times = Infinity) {
  let failures = 0;
  const wrapped = new Proxy(store, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (property !== method) return typeof value === 'function' ? value.bind(target) : value;
      return async (arg: { key: string }, ...rest: unknown[]) => {
        if (arg.key === key && failures < times) {
          failures += 1;
          throw new StateStoreError(`state table: ${method} for ${key} failed: injected outage`);
        }
        return value.call(target, arg, ...rest);
      };
    },
  });
  return { store: wrapped, failures: () => failures };
}

const tickWith = (controller: Controller, state: StateStore, at: string) => {
  const deps: RunDeps = { ...controller.deps, state };
  return run(deps, { time: at }, { getRemainingTimeInMillis: () => 50_000 });
};

const provisionedOf = (name: string) => harness.emulator.inspect().functions.find((f) => f.name === name)!.provisioned;

async function intentItem(key: string) {
  const response = await harness.dynamo.send(
    new GetItemCommand({ TableName: harness.table, Key: { pk: { S: `intent#${key}` } }, ConsistentRead: true }),
  );
  return response.Item;
}

describe('write-ahead ownership', () => {
  const policy = (name: string, min: number) => [
    { function: name, qualifier: 'live', mode: 'provisioned', provisioned: { min } },
  ];

  it('a state save failing right after the write: later ticks still know Thermostat owns the config', async () => {
    const first = harness.controller(policy('owned', 2));
    const outage = failing(first.deps.state, 'saveTarget', 'owned:live');
    const written = await tickWith(first, outage.store, '2026-11-23T12:00:00Z');
    expect(outage.failures()).toBe(3);
    expect(written.targets[0]).toMatchObject({
      status: 'failed',
      state: 'failed',
      failure: { kind: 'state-save', message: expect.stringContaining('keeps their ownership') },
      provisioned: { changes: [expect.objectContaining({ action: 'put-provisioned', from: 'none', to: '2' })] },
    });
    expect(provisionedOf('owned')).toEqual([expect.objectContaining({ requested: 2 })]);
    // The intent written before the put is what remembers it.
    expect(await intentItem('owned:live')).toBeDefined();

    // Next tick, the table works again: the config is Thermostat's, so a new min adjusts it (not "left alone").
    const adjusted = await harness.controller(policy('owned', 3)).tick('2026-11-23T12:01:00Z');
    expect(adjusted.targets[0].decisions.map((decision) => decision.kind)).toEqual(['put-provisioned']);
    expect(adjusted.targets[0]).toMatchObject({ status: 'ok', state: 'saved' });
    expect(provisionedOf('owned')).toEqual([expect.objectContaining({ requested: 3 })]);
    expect(await intentItem('owned:live')).toBeUndefined();

    // And removing the policy removes it.
    const removed = await harness.controller([]).tick('2026-11-23T12:02:00Z');
    const released = removed.targets.find((target) => target.key === 'owned:live');
    expect(released?.provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'delete-provisioned', from: '3', to: 'none' }),
    ]);
    expect(provisionedOf('owned')).toEqual([]);
  });

  it('the policy removed while the save failed: the intent alone leads the next tick to remove the config', async () => {
    const first = harness.controller(policy('retried', 1));
    const outage = failing(first.deps.state, 'saveTarget', 'retried:live');
    await tickWith(first, outage.store, '2026-11-23T13:00:00Z');
    expect(provisionedOf('retried')).toEqual([expect.objectContaining({ requested: 1 })]);

    const removed = await harness.controller([]).tick('2026-11-23T13:01:00Z');
    const released = removed.targets.find((target) => target.key === 'retried:live');
    expect(released?.provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'delete-provisioned', from: '1', to: 'none' }),
    ]);
    expect(provisionedOf('retried')).toEqual([]);
    expect(await intentItem('retried:live')).toBeUndefined();
  });

  it('a save that fails once is retried within the tick', async () => {
    const controller = harness.controller(policy('retried', 2));
    const blip = failing(controller.deps.state, 'saveTarget', 'retried:live', 1);
    const report = await tickWith(controller, blip.store, '2026-11-23T13:05:00Z');
    expect(blip.failures()).toBe(1);
    expect(report.targets[0]).toMatchObject({ status: 'ok', state: 'saved' });
    expect(await intentItem('retried:live')).toBeUndefined();
  });

  it('a round kept in the ping ledger, then a crash before the ledger is saved: ownership is still in the item', async () => {
    const warm = [{ function: 'ledgered', qualifier: 'live', warm: { interval: '5m' } }];
    // A one-environment round of a target no item holds teaches nothing an item must keep: the ledger has its time.
    expect((await harness.controller(warm).tick('2026-11-23T15:00:00Z')).targets[0]?.state).toBe('ledger');
    // The same proof five minutes later: only the round's time changed, which goes to the ledger.
    expect((await harness.controller(warm).tick('2026-11-23T15:05:00Z')).targets[0]?.state).toBe('ledger');

    // Provisioned concurrency written, and the invocation dies before its ledger is saved (the save never lands).
    const owner = harness.controller(policy('ledgered', 1));
    let ledgerSaves = 0;
    const dying = new Proxy(owner.deps.state, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver);
        if (property === 'savePings')
          return () => {
            ledgerSaves += 1;
            return Promise.reject(new StateStoreError('state table: the invocation timed out'));
          };
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const written = await tickWith(owner, dying, '2026-11-23T15:10:00Z');
    expect(written.targets[0]?.provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'put-provisioned', to: '1' }),
    ]);
    // A change of ownership is never a ledger entry: it is in the target's own item.
    expect(written.targets[0]?.state).toBe('saved');
    expect(ledgerSaves).toBeGreaterThan(0);
    const item = await harness.dynamo.send(
      new GetItemCommand({
        TableName: harness.table,
        Key: { pk: { S: 'target#ledgered:live' } },
        ConsistentRead: true,
      }),
    );
    expect(JSON.parse(item.Item?.managed?.S ?? '{}')).toMatchObject({ provisioned: { strategy: 'direct', value: 1 } });

    // Removing the policy removes what Thermostat created.
    const removed = await harness.controller([]).tick('2026-11-23T15:11:00Z');
    expect(removed.targets.find((target) => target.key === 'ledgered:live')?.provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'delete-provisioned', from: '1', to: 'none' }),
    ]);
    expect(provisionedOf('ledgered')).toEqual([]);
  });

  it('an intent that cannot be recorded means no write: nothing is ever created unrecorded', async () => {
    const controller = harness.controller(policy('unrecorded', 2));
    const outage = failing(controller.deps.state, 'recordIntent', 'unrecorded:live');
    const report = await tickWith(controller, outage.store, '2026-11-23T14:00:00Z');
    expect(provisionedOf('unrecorded')).toEqual([]);
    expect(report.status).toBe('partial');
    expect(report.skipped).toEqual([
      { key: 'unrecorded:live', cause: 'state', reason: expect.stringContaining('nothing was written') },
    ]);
  });
});
