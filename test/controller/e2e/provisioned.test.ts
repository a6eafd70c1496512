import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

const fn = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    // Every test builds fresh controllers (each with its own limiter); one real controller stays under 15/s.
    controlPlaneRps: 500,
    functions: [fn('pc'), fn('ours'), fn('theirs'), fn('scaled'), fn('busy'), fn('idle')],
  });
});
afterAll(() => harness?.stop());

function provisionedOf(name: string) {
  return harness.emulator.inspect().functions.find((f) => f.name === name)!.provisioned;
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('provisioned concurrency, direct strategy', () => {
  it('reaches READY, then reconciles a policy change with exactly one write', async () => {
    const policy = (min: number) => [{ function: 'pc', qualifier: 'live', mode: 'provisioned', provisioned: { min } }];
    const first = harness.controller(policy(2));
    const created = await first.tick('2026-11-23T10:00:00Z');
    expect(created.targets[0].provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'put-provisioned', from: 'none', to: '2', status: 'IN_PROGRESS' }),
    ]);
    await until(() => provisionedOf('pc')[0]?.status === 'READY', 'READY');

    const steady = await first.tick('2026-11-23T10:01:00Z');
    expect(steady.targets[0].provisioned).toEqual({ changes: [], requested: 2, allocated: 2 });
    expect(steady.targets[0].decisions).toEqual([expect.objectContaining({ kind: 'keep-provisioned' })]);
    expect(first.metrics.forTarget('pc:live')).toMatchObject({ ProvisionedRequested: 2, ProvisionedAllocated: 2 });
    // Provisioned concurrency READY means no pings.
    expect(steady.targets[0].warm).toBeUndefined();

    const changed = harness.controller(policy(3));
    const reconciled = await changed.tick('2026-11-23T10:02:00Z');
    expect(reconciled.totals.provisionedChanges).toBe(1);
    expect(reconciled.targets[0].provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'put-provisioned', from: '2', to: '3' }),
    ]);
    await until(() => provisionedOf('pc')[0]?.status === 'READY', 'READY again');
    const after = await changed.tick('2026-11-23T10:03:00Z');
    expect(after.totals.provisionedChanges).toBe(0);
    expect(provisionedOf('pc')).toEqual([expect.objectContaining({ requested: 3, allocated: 3, status: 'READY' })]);
  });
});

describe('ownership', () => {
  it('off removes only what Thermostat created', async () => {
    // Someone else configures "theirs" directly.
    const lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'theirs',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    lambda.destroy();
    const provisioned = harness.controller([
      { function: 'ours', qualifier: 'live', mode: 'provisioned', provisioned: { min: 1 } },
      { function: 'theirs', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } },
    ]);
    const claimed = await provisioned.tick('2026-11-23T11:00:00Z');
    const byTarget = Object.fromEntries(claimed.targets.map((t) => [t.target, t]));
    expect(byTarget['ours:live'].decisions.map((d) => d.kind)).toEqual(['put-provisioned']);
    expect(byTarget['theirs:live'].decisions).toEqual([
      expect.objectContaining({ kind: 'leave-alone', reason: expect.stringContaining('Thermostat did not set') }),
    ]);

    const off = harness.controller([
      { function: 'ours', qualifier: 'live', mode: 'off' },
      { function: 'theirs', qualifier: 'live', mode: 'off' },
    ]);
    const removed = await off.tick('2026-11-23T11:01:00Z');
    const after = Object.fromEntries(removed.targets.map((t) => [t.target, t]));
    expect(after['ours:live'].provisioned?.changes).toEqual([
      expect.objectContaining({ action: 'delete-provisioned', from: '1', to: 'none' }),
    ]);
    // Off does not even read what it does not own.
    expect(after['theirs:live'].decisions).toEqual([expect.objectContaining({ kind: 'skip', reason: 'mode is off' })]);
    expect(provisionedOf('ours')).toEqual([]);
    expect(provisionedOf('theirs')).toEqual([expect.objectContaining({ requested: 1 })]);

    // Nothing is left to manage: the next tick does nothing for either.
    const quiet = await off.tick('2026-11-23T11:02:00Z');
    expect(quiet.totals.provisionedChanges).toBe(0);
    expect(provisionedOf('theirs')).toEqual([expect.objectContaining({ requested: 1 })]);
  });
});

describe('provisioned concurrency, autoscaling strategy', () => {
  it('registers the window min/max with target tracking, lowers it, and removes it when off', async () => {
    const aas = new ApplicationAutoScalingClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
    const target = async () =>
      (
        await aas.send(
          new DescribeScalableTargetsCommand({ ServiceNamespace: 'lambda', ResourceIds: ['function:scaled:live'] }),
        )
      ).ScalableTargets?.[0];
    const policy = (min: number, max: number, mode = 'provisioned') => [
      {
        function: 'scaled',
        qualifier: 'live',
        mode,
        provisioned: { min, max, strategy: 'autoscaling', utilization: 0.6 },
      },
    ];
    try {
      const busy = await harness.controller(policy(1, 3)).tick('2026-11-23T12:00:00Z');
      expect(busy.targets[0].provisioned?.changes).toEqual([
        expect.objectContaining({ action: 'register-scalable-target', from: 'none', to: 'min 1, max 3, target 0.6' }),
      ]);
      expect(await target()).toMatchObject({ MinCapacity: 1, MaxCapacity: 3 });

      const same = await harness.controller(policy(1, 3)).tick('2026-11-23T12:01:00Z');
      expect(same.totals.provisionedChanges).toBe(0);

      const quiet = await harness.controller(policy(0, 1)).tick('2026-11-23T12:02:00Z');
      expect(quiet.targets[0].provisioned?.changes).toEqual([
        expect.objectContaining({
          action: 'register-scalable-target',
          from: 'min 1, max 3',
          to: 'min 0, max 1, target 0.6',
        }),
      ]);
      expect(await target()).toMatchObject({ MinCapacity: 0, MaxCapacity: 1 });

      const off = await harness.controller(policy(0, 1, 'off')).tick('2026-11-23T12:03:00Z');
      expect(off.targets[0].provisioned?.changes.map((c) => c.action)).toContain('deregister-scalable-target');
      expect(await target()).toBeUndefined();
    } finally {
      aas.destroy();
    }
  });
});

describe('auto mode', () => {
  it('chooses with the cost model, from the policy’s hint or from CloudWatch history, and says why', async () => {
    const controller = harness.controller([
      {
        function: 'busy',
        qualifier: 'live',
        mode: 'auto',
        warm: { concurrency: 2 },
        auto: { expectedUtilization: 0.9 },
      },
      { function: 'idle', qualifier: 'live', mode: 'auto', warm: { concurrency: 2 } },
    ]);
    const report = await controller.tick('2026-11-23T13:00:00Z');
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t]));
    expect(byTarget['busy:live'].decisions.map((d) => d.kind)).toEqual(['auto-choice', 'put-provisioned']);
    expect(byTarget['busy:live'].decisions[0].reason).toMatch(
      /^auto chose provisioned concurrency: expected utilisation 90%/,
    );
    // No hint: the last hour of ConcurrentExecutions (GetMetricData against the emulator) shows an idle function.
    expect(byTarget['idle:live'].decisions.map((d) => d.kind)).toEqual(['auto-choice', 'ping']);
    expect(byTarget['idle:live'].decisions[0].reason).toMatch(/^auto chose pings: expected utilisation 0%/);
    expect(byTarget['idle:live'].warm).toMatchObject({ proven: 2 });
  });
});
