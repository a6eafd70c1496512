import {
  DeleteScalingPolicyCommand,
  DeleteScheduledActionCommand,
  DeregisterScalableTargetCommand,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  ObjectNotFoundException,
  PutScalingPolicyCommand,
  PutScheduledActionCommand,
  RegisterScalableTargetCommand,
  ValidationException,
} from '@aws-sdk/client-application-auto-scaling';
import {
  GetProvisionedConcurrencyConfigCommand,
  ProvisionedConcurrencyConfigNotFoundException,
  PutProvisionedConcurrencyConfigCommand,
} from '@aws-sdk/client-lambda';
import { type Emulator, ManualClock } from '../../../emulator';
import { clients, echo, testEmulator } from '../helpers';

const ns = 'lambda' as const;
const dimension = 'lambda:function:ProvisionedConcurrency' as const;
const resource = 'function:orders:live';

describe('Application Auto Scaling for provisioned concurrency', () => {
  let emulator: Emulator;
  let clock: ManualClock;
  let c: ReturnType<typeof clients>;

  const register = (MinCapacity?: number, MaxCapacity?: number, ResourceId = resource) =>
    c.autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId,
        MinCapacity,
        MaxCapacity,
      }),
    );
  const provisioned = async () =>
    c.lambda
      .send(new GetProvisionedConcurrencyConfigCommand({ FunctionName: 'orders', Qualifier: 'live' }))
      .then((out) => out.RequestedProvisionedConcurrentExecutions)
      .catch((error: unknown) => {
        if (error instanceof ProvisionedConcurrencyConfigNotFoundException) return 0;
        throw error;
      });

  beforeEach(async () => {
    // 2026-11-23 07:58 UTC, a Monday.
    clock = new ManualClock(Date.UTC(2026, 10, 23, 7, 58, 0));
    emulator = await testEmulator({
      clock,
      autoScalingIntervalMs: 60_000,
      functions: [{ name: 'orders', handler: 'echo.js', versions: { '1': {} }, aliases: { live: '1' } }],
    });
    c = clients(emulator);
  });
  afterEach(() => emulator.stop());

  it('registers, describes and deregisters scalable targets', async () => {
    const registered = await register(1, 5);
    expect(registered.ScalableTargetARN).toMatch(
      /^arn:aws:application-autoscaling:us-east-1:123456789012:scalable-target\//,
    );
    const described = await c.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: ns }));
    expect(described.ScalableTargets).toEqual([
      expect.objectContaining({ ResourceId: resource, MinCapacity: 1, MaxCapacity: 5, ScalableDimension: dimension }),
    ]);
    expect(described.ScalableTargets?.[0]?.CreationTime).toEqual(new Date(clock.now()));
    await register(undefined, 8);
    const updated = await c.autoScaling.send(
      new DescribeScalableTargetsCommand({ ServiceNamespace: ns, ResourceIds: [resource] }),
    );
    expect(updated.ScalableTargets?.[0]).toMatchObject({ MinCapacity: 1, MaxCapacity: 8 });
    await c.autoScaling.send(
      new DeregisterScalableTargetCommand({ ServiceNamespace: ns, ScalableDimension: dimension, ResourceId: resource }),
    );
    expect(
      (await c.autoScaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: ns }))).ScalableTargets,
    ).toEqual([]);
    const again = c.autoScaling.send(
      new DeregisterScalableTargetCommand({ ServiceNamespace: ns, ScalableDimension: dimension, ResourceId: resource }),
    );
    await expect(again).rejects.toBeInstanceOf(ObjectNotFoundException);
  });

  it('validates targets like AWS', async () => {
    await expect(register(1, 5, 'function:orders:$LATEST')).rejects.toBeInstanceOf(ValidationException);
    await expect(register(1, 5, 'function:ghost:live')).rejects.toBeInstanceOf(ValidationException);
    await expect(register(6, 5)).rejects.toThrow('cannot be greater than MaxCapacity');
    await expect(register(undefined, 5)).rejects.toThrow('MinCapacity and MaxCapacity are required');
    const other = c.autoScaling.send(
      new RegisterScalableTargetCommand({
        ServiceNamespace: 'ecs',
        ScalableDimension: 'ecs:service:DesiredCount',
        ResourceId: 'service/x/y',
        MinCapacity: 1,
        MaxCapacity: 2,
      }),
    );
    await expect(other).rejects.toBeInstanceOf(ValidationException);
  });

  it('keeps existing provisioned concurrency within the registered bounds', async () => {
    await c.lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'orders',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 7,
      }),
    );
    await register(1, 4);
    expect(await provisioned()).toBe(4);
    await register(5, 9);
    expect(await provisioned()).toBe(5);
  });

  it('runs scheduled actions that move min and max at their time', async () => {
    await register(0, 10);
    await c.autoScaling.send(
      new PutScheduledActionCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        ScheduledActionName: 'morning',
        Schedule: 'cron(0 8 ? * MON-FRI *)',
        ScalableTargetAction: { MinCapacity: 3, MaxCapacity: 10 },
      }),
    );
    await c.autoScaling.send(
      new PutScheduledActionCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        ScheduledActionName: 'night',
        Schedule: 'at(2026-11-23T20:00:00)',
        Timezone: 'Europe/Paris',
        ScalableTargetAction: { MinCapacity: 0, MaxCapacity: 0 },
      }),
    );
    const actions = await c.autoScaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: ns }));
    expect(actions.ScheduledActions?.map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone])).toEqual([
      ['morning', 'cron(0 8 ? * MON-FRI *)', 'UTC'],
      ['night', 'at(2026-11-23T20:00:00)', 'Europe/Paris'],
    ]);
    await clock.advance(60_000);
    expect(await provisioned()).toBe(0);
    await clock.advance(60_000);
    expect(await provisioned()).toBe(3);
    // 20:00 in Paris is 19:00 UTC.
    await clock.advance(11 * 3_600_000 - 60_000);
    expect(await provisioned()).toBe(3);
    await clock.advance(60_000);
    expect(await provisioned()).toBe(0);

    await c.autoScaling.send(
      new DeleteScheduledActionCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        ScheduledActionName: 'night',
      }),
    );
    const missing = c.autoScaling.send(
      new DeleteScheduledActionCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        ScheduledActionName: 'night',
      }),
    );
    await expect(missing).rejects.toBeInstanceOf(ObjectNotFoundException);
    const bad = c.autoScaling.send(
      new PutScheduledActionCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        ScheduledActionName: 'bad',
        Schedule: 'cron(0 8 * * * *)',
        ScalableTargetAction: { MinCapacity: 1 },
      }),
    );
    await expect(bad).rejects.toBeInstanceOf(ValidationException);
  });

  it('tracks utilisation with a target-tracking policy, within min and max', async () => {
    await c.lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'orders',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 2,
      }),
    );
    await emulator.settle();
    await register(1, 3);
    const put = await c.autoScaling.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        PolicyName: 'utilisation',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 0.5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        },
      }),
    );
    expect(put.PolicyARN).toContain('policyName/utilisation');
    expect(put.Alarms).toHaveLength(2);

    // No traffic, no metric: nothing changes (AWS's alarms sit in INSUFFICIENT_DATA).
    await clock.advance(60_000);
    expect(await provisioned()).toBe(2);

    // Both provisioned environments busy at once: utilisation 1.0 against a 0.5 target → scale out, capped at 3.
    await Promise.all([
      echo(c.lambda, 'orders', { holdMs: 200 }, 'live'),
      echo(c.lambda, 'orders', { holdMs: 200 }, 'live'),
    ]);
    await clock.advance(60_000);
    expect(await provisioned()).toBe(3);
    expect(emulator.inspect().autoScaling.at(-1)).toMatchObject({ from: 2, to: 3, status: 'Successful' });

    const policies = await c.autoScaling.send(
      new DescribeScalingPoliciesCommand({ ServiceNamespace: ns, ResourceId: resource }),
    );
    expect(policies.ScalingPolicies?.[0]).toMatchObject({
      PolicyName: 'utilisation',
      PolicyType: 'TargetTrackingScaling',
    });
    await c.autoScaling.send(
      new DeleteScalingPolicyCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        PolicyName: 'utilisation',
      }),
    );
    const missing = c.autoScaling.send(
      new DeleteScalingPolicyCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        PolicyName: 'utilisation',
      }),
    );
    await expect(missing).rejects.toBeInstanceOf(ObjectNotFoundException);
  });

  it('rejects policies Lambda does not support and policies for unregistered targets', async () => {
    const step = c.autoScaling.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        PolicyName: 'p',
        PolicyType: 'StepScaling',
      }),
    );
    await expect(step).rejects.toBeInstanceOf(ValidationException);
    const unregistered = c.autoScaling.send(
      new PutScalingPolicyCommand({
        ServiceNamespace: ns,
        ScalableDimension: dimension,
        ResourceId: resource,
        PolicyName: 'p',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 0.7,
          PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        },
      }),
    );
    await expect(unregistered).rejects.toBeInstanceOf(ObjectNotFoundException);
  });
});
