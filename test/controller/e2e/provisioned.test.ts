import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import type { RunReport } from '../../../controller/report/report';
import { type Harness, startHarness, until, WARM_TARGET } from '../../fixtures/controller/harness';

const fn = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    // Every test builds fresh controllers (each with its own limiter); one real controller stays under 15/s.
    controlPlaneRps: 500,
    functions: [
      fn('pc'),
      fn('ours'),
      fn('theirs'),
      fn('scaled'),
      fn('nightly'),
      fn('office'),
      fn('shared'),
      fn('busy'),
      fn('idle'),
    ],
  });
  aas = new ApplicationAutoScalingClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
  lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  aas?.destroy();
  lambda?.destroy();
  await harness?.stop();
});

let aas: ApplicationAutoScalingClient;
let lambda: LambdaClient;

function provisionedOf(name: string) {
  return harness.emulator.inspect().functions.find((f) => f.name === name)!.provisioned;
}

async function scalableTarget(name: string) {
  const response = await aas.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'lambda', ResourceIds: [`function:${name}:live`] }),
  );
  return response.ScalableTargets?.[0];
}

async function scalingPolicies(name: string) {
  const response = await aas.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'lambda', ResourceId: `function:${name}:live` }),
  );
  return response.ScalingPolicies ?? [];
}

/** What Application Auto Scaling itself did to a qualifier (the emulator's scaling activities). */
function scalingActivities(name: string) {
  return harness.emulator.inspect().autoScaling.filter((activity) => activity.resourceId === `function:${name}:live`);
}

/** The first target's provisioned-concurrency changes, as `action from → to`. */
const changesOf = (report: RunReport) =>
  (report.targets[0].provisioned?.changes ?? []).map((change) => `${change.action} ${change.from} → ${change.to}`);

describe('provisioned concurrency, direct strategy', () => {
  it('reaches READY, then reconciles a policy change with exactly one write', async () => {
    const policy = (min: number) => [{ function: 'pc', qualifier: 'live', mode: 'provisioned', provisioned: { min } }];
    const first = harness.controller(policy(2), { THERMOSTAT_DETAILED_METRICS: 'pc:live' });
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

describe('the settled copy', () => {
  it('a tick in another execution environment (fresh caches) takes it from the item and reads nothing', async () => {
    const policy = [{ function: 'idle', qualifier: 'live', mode: 'provisioned', provisioned: { min: 1 } }];
    await harness.controller(policy).tick('2026-11-23T16:00:00Z');
    await until(() => provisionedOf('idle')[0]?.status === 'READY', 'READY');
    // Read once more, found settled, kept in the item.
    const settled = await harness.controller(policy).tick('2026-11-23T16:01:00Z');
    expect(settled.targets[0]).toMatchObject({ state: 'saved', decisions: [{ kind: 'keep-provisioned' }] });
    harness.emulator.calls({ reset: true });
    for (const minute of ['02', '03']) {
      const report = await harness.controller(policy).tick(`2026-11-23T16:${minute}:00Z`);
      expect(report.targets[0]).toMatchObject({ state: 'unchanged', decisions: [{ kind: 'keep-provisioned' }] });
    }
    const lambdaCalls = harness.emulator.calls().lambda ?? {};
    expect(lambdaCalls.GetProvisionedConcurrencyConfig).toBeUndefined();
    expect(lambdaCalls.GetAlias).toBeUndefined();
  });
});

describe('ownership', () => {
  it('off removes only what Thermostat created', async () => {
    // Someone else configures "theirs" directly.
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'theirs',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
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
  it('puts the initial value, registers the window min/max with target tracking, lowers it, and removes it when off', async () => {
    const policy = (min: number, max: number, mode = 'provisioned') => [
      {
        function: 'scaled',
        qualifier: 'live',
        mode,
        provisioned: { min, max, strategy: 'autoscaling', utilization: 0.6 },
      },
    ];
    const busy = await harness
      .controller(policy(1, 3), { POWERTOOLS_SERVICE_NAME: 'shop-thermostat' })
      .tick('2026-11-23T12:00:00Z');
    expect(changesOf(busy)).toEqual([
      'put-provisioned none → 1',
      'register-scalable-target none → min 1, max 3, target 0.6',
    ]);
    const registered = await scalableTarget('scaled');
    expect(registered).toMatchObject({ MinCapacity: 1, MaxCapacity: 3 });
    // Tagged with the controller's service name: the construct's IAM allows writes only to targets with this tag.
    const tags = await aas.send(new ListTagsForResourceCommand({ ResourceARN: registered?.ScalableTargetARN }));
    expect(tags.Tags).toEqual({ 'thermostat:controller': 'shop-thermostat' });
    expect(provisionedOf('scaled')).toEqual([expect.objectContaining({ requested: 1 })]);

    const same = await harness.controller(policy(1, 3)).tick('2026-11-23T12:01:00Z');
    expect(same.totals.provisionedChanges).toBe(0);

    const quiet = await harness.controller(policy(0, 1)).tick('2026-11-23T12:02:00Z');
    expect(changesOf(quiet)).toEqual(['register-scalable-target min 1, max 3 → min 0, max 1, target 0.6']);
    expect(await scalableTarget('scaled')).toMatchObject({ MinCapacity: 0, MaxCapacity: 1 });

    const off = await harness.controller(policy(0, 1, 'off')).tick('2026-11-23T12:03:00Z');
    expect(changesOf(off)).toEqual(['deregister-scalable-target min 0, max 1 → none', 'delete-provisioned 1 → none']);
    expect(await scalableTarget('scaled')).toBeUndefined();
    expect(provisionedOf('scaled')).toEqual([]);
  });

  it('examples/policies/nightly-batch.yaml’s shape: READY with 2 in the window, and no provisioned concurrency after it', async () => {
    const controller = harness.controller(
      [
        {
          function: 'nightly',
          qualifier: 'live',
          mode: 'off',
          timezone: 'UTC',
          provisioned: { strategy: 'autoscaling', utilization: 0.7 },
          windows: [
            { name: 'nightly-run', from: '00:40', to: '03:00', mode: 'provisioned', provisioned: { min: 2, max: 4 } },
          ],
        },
      ],
      { THERMOSTAT_DETAILED_METRICS: 'nightly:live' },
    );
    const before = await controller.tick('2026-11-23T00:39:00Z');
    expect(before.targets[0].decisions).toEqual([expect.objectContaining({ kind: 'skip', reason: 'mode is off' })]);

    const opening = await controller.tick('2026-11-23T00:40:00Z');
    expect(opening.targets[0].decisions).toEqual([
      expect.objectContaining({
        kind: 'put-provisioned',
        reason:
          'window "nightly-run": no provisioned concurrency is configured and Application Auto Scaling only scales an existing config, so Thermostat sets the initial 2',
      }),
      expect.objectContaining({
        kind: 'register-scalable-target',
        reason: 'window "nightly-run": registering min 2, max 4, target tracking at 0.7',
      }),
    ]);
    expect(changesOf(opening)).toEqual([
      'put-provisioned none → 2',
      'register-scalable-target none → min 2, max 4, target 0.7',
    ]);
    expect(opening.targets[0].warm).toBeUndefined();
    await until(() => provisionedOf('nightly')[0]?.status === 'READY', 'the initial allocation to be READY');
    expect(provisionedOf('nightly')).toEqual([
      expect.objectContaining({ qualifier: 'live', requested: 2, allocated: 2, status: 'READY' }),
    ]);
    expect(await scalableTarget('nightly')).toMatchObject({ MinCapacity: 2, MaxCapacity: 4 });
    expect(await scalingPolicies('nightly')).toEqual([
      expect.objectContaining({
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: expect.objectContaining({
          TargetValue: 0.7,
          PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        }),
      }),
    ]);

    // Application Auto Scaling's own loop (no traffic, so no metric) keeps what is there.
    harness.emulator.tick();
    expect(provisionedOf('nightly')).toEqual([expect.objectContaining({ requested: 2, status: 'READY' })]);

    const during = await controller.tick('2026-11-23T01:30:00Z');
    expect(during.targets[0].decisions).toEqual([
      expect.objectContaining({
        kind: 'keep-provisioned',
        reason:
          'window "nightly-run": scalable target already min 2, max 4, target 0.7 (2 provisioned, READY, 2 allocated)',
      }),
    ]);
    expect(during.targets[0].provisioned).toEqual({ changes: [], requested: 2, allocated: 2 });
    expect(controller.metrics.forTarget('nightly:live')).toMatchObject({
      ProvisionedRequested: 2,
      ProvisionedAllocated: 2,
    });

    const after = await controller.tick('2026-11-23T03:00:00Z');
    expect(after.targets[0].decisions.map((d) => d.reason)).toEqual([
      'mode is off: removing the scalable target Thermostat registered (min 2, max 4)',
      'mode is off: deleting the provisioned concurrency (2) Thermostat set',
    ]);
    expect(changesOf(after)).toEqual(['deregister-scalable-target min 2, max 4 → none', 'delete-provisioned 2 → none']);
    expect(provisionedOf('nightly')).toEqual([]);
    expect(await scalableTarget('nightly')).toBeUndefined();
    expect(harness.emulator.environments('nightly').filter((env) => env.provisioned && !env.retiring)).toEqual([]);

    const quiet = await controller.tick('2026-11-23T03:01:00Z');
    expect(quiet.totals.provisionedChanges).toBe(0);
    expect(quiet.targets[0].decisions).toEqual([expect.objectContaining({ kind: 'skip', reason: 'mode is off' })]);
  });

  it('a window that allows none (min 0, no max) removes the target and the config it put', async () => {
    const controller = harness.controller([
      {
        function: 'office',
        qualifier: 'live',
        mode: 'provisioned',
        timezone: 'UTC',
        provisioned: { strategy: 'autoscaling', min: 0 },
        windows: [{ name: 'office-hours', days: ['mon'], from: '09:00', to: '18:00', provisioned: { min: 2, max: 4 } }],
      },
    ]);
    const open = await controller.tick('2026-11-23T09:00:00Z');
    expect(changesOf(open)).toEqual([
      'put-provisioned none → 2',
      'register-scalable-target none → min 2, max 4, target 0.7',
    ]);
    await until(() => provisionedOf('office')[0]?.status === 'READY', 'READY');
    expect(provisionedOf('office')).toEqual([expect.objectContaining({ requested: 2, allocated: 2 })]);

    const closed = await controller.tick('2026-11-23T18:00:00Z');
    expect(closed.targets[0].decisions.map((d) => [d.kind, d.reason])).toEqual([
      [
        'deregister-scalable-target',
        'base settings allows no provisioned concurrency: removing the scalable target Thermostat registered (min 2, max 4)',
      ],
      [
        'delete-provisioned',
        'base settings allows no provisioned concurrency: deleting the provisioned concurrency (2) Thermostat set',
      ],
    ]);
    expect(provisionedOf('office')).toEqual([]);
    expect(await scalableTarget('office')).toBeUndefined();

    // The next window starts from nothing again.
    const tomorrow = await controller.tick('2026-11-30T09:00:00Z');
    expect(changesOf(tomorrow)).toEqual([
      'put-provisioned none → 2',
      'register-scalable-target none → min 2, max 4, target 0.7',
    ]);

    // Removing the policy releases what Thermostat set up, like off.
    const removed = await harness.controller([]).tick('2026-11-30T09:01:00Z');
    expect(changesOf(removed)).toEqual([
      'deregister-scalable-target min 2, max 4 → none',
      'delete-provisioned 2 → none',
    ]);
    expect(removed.targets[0]).toMatchObject({ key: 'office:live', mode: 'off' });
    expect(removed.targets[0].decisions[0].reason).toMatch(/^no policy names office:live any more; mode is off: /);
    expect(provisionedOf('office')).toEqual([]);
  });

  it('leaves a config someone else created untouched, unless the policy adopts it', async () => {
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'shared',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 1,
      }),
    );
    const policy = (adopt: boolean, mode = 'provisioned') => [
      {
        function: 'shared',
        qualifier: 'live',
        mode,
        provisioned: { strategy: 'autoscaling', min: 2, max: 4, adopt },
      },
    ];
    const left = await harness.controller(policy(false)).tick('2026-11-23T14:00:00Z');
    expect(left.targets[0].decisions).toEqual([
      expect.objectContaining({
        kind: 'leave-alone',
        reason:
          'shared:live has provisioned concurrency 1 that Thermostat did not set; left alone (set provisioned.adopt: true to take it over)',
      }),
    ]);
    expect(changesOf(left)).toEqual([]);
    expect(await scalableTarget('shared')).toBeUndefined();
    expect(provisionedOf('shared')).toEqual([expect.objectContaining({ requested: 1 })]);
    expect(scalingActivities('shared')).toEqual([]);
    // The mode going off does not touch it either.
    const off = await harness.controller(policy(false, 'off')).tick('2026-11-23T14:01:00Z');
    expect(changesOf(off)).toEqual([]);
    expect(provisionedOf('shared')).toEqual([expect.objectContaining({ requested: 1 })]);

    // Adopted: no second config is put over it; registering moves it into [2, 4].
    const adopted = await harness.controller(policy(true)).tick('2026-11-23T14:02:00Z');
    expect(changesOf(adopted)).toEqual(['register-scalable-target none → min 2, max 4, target 0.7']);
    expect(adopted.targets[0].decisions[0].reason).toContain('(adopting it)');
    expect(scalingActivities('shared')).toEqual([expect.objectContaining({ from: 1, to: 2, status: 'Successful' })]);
    await until(() => provisionedOf('shared')[0]?.status === 'READY', 'READY');
    expect(provisionedOf('shared')).toEqual([expect.objectContaining({ requested: 2, allocated: 2 })]);

    // Adopted, never taken: off hands it back as it was (their config of 1, no scalable target), nothing deleted.
    const released = await harness.controller(policy(true, 'off')).tick('2026-11-23T14:03:00Z');
    expect(changesOf(released)).toEqual(['deregister-scalable-target min 2, max 4 → none', 'put-provisioned 2 → 1']);
    expect(provisionedOf('shared')).toEqual([expect.objectContaining({ requested: 1 })]);
    expect(await scalableTarget('shared')).toBeUndefined();
  });
});

describe('auto mode', () => {
  it('buys provisioned units that pay for themselves, keeps idle functions on pings, and says why', async () => {
    const controller = harness.controller([
      {
        function: 'busy',
        qualifier: 'live',
        mode: 'auto',
        provisioned: { max: 2 },
        auto: { expectedUtilization: 0.95, maxEnvironments: 4 },
      },
      { function: 'idle', qualifier: 'live', mode: 'auto', provisioned: { max: 2 } },
    ]);
    const report = await controller.tick('2026-11-23T13:00:00Z');
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t]));
    const busy = byTarget['busy:live'].decisions;
    expect(busy[0].kind).toBe('auto-choice');
    expect(busy.map((d) => d.kind)).toContain('put-provisioned');
    // The hint (95% of 4 environments busy) makes each of the 2 units busier than the break-even.
    expect(busy[0].reason).toMatch(/^auto: load 3\.80 \(from policy\).*2 provisioned units/);
    expect(provisionedOf('busy')).toEqual([expect.objectContaining({ requested: 2 })]);
    // Nothing known about the idle function yet: one environment, kept warm with pings.
    expect(byTarget['idle:live'].decisions.map((d) => d.kind)).toEqual(['auto-choice', 'ping']);
    expect(byTarget['idle:live'].decisions[0].reason).toMatch(/no load seen yet: one environment/);
    expect(byTarget['idle:live'].warm).toMatchObject({ proven: 1 });
  });
});
