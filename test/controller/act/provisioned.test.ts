import { applyProvisioned } from '../../../controller/act/provisioned';
import { ActionError } from '../../../controller/errors';
import type { Decision } from '../../../controller/plan';
import { FakeAutoScaling, FakeControl } from '../../fixtures/controller/fake-control';
import { sdkError } from '../../fixtures/controller/fake-lambda';

const base = { key: 'api:live', function: 'api', qualifier: 'live', mode: 'provisioned' as const, window: undefined };
const managedDirect = (value: number) => ({
  function: 'api',
  qualifier: 'live',
  provisioned: { strategy: 'direct' as const, value },
  since: 5,
});

function setup() {
  const lambda = new FakeControl({ api: { qualifiers: ['live'] } });
  const autoscaling = new FakeAutoScaling();
  return { lambda, autoscaling, deps: { lambda, autoscaling, controllerTag: 'shop-thermostat' } };
}

describe('applyProvisioned', () => {
  it('puts, records ownership and reports the change', async () => {
    const { lambda, deps } = setup();
    const outcome = await applyProvisioned(
      deps,
      [{ ...base, kind: 'put-provisioned', value: 4, previous: null, adopt: false, reason: 'min is 4' }],
      undefined,
      100,
    );
    expect(lambda.provisioned.get('api:live')).toEqual({ requested: 4, status: 'IN_PROGRESS' });
    expect(outcome.managed).toEqual({ ...managedDirect(4), since: 100 });
    expect(outcome.changes).toEqual([
      expect.objectContaining({ action: 'put-provisioned', from: 'none', to: '4', status: 'IN_PROGRESS' }),
    ]);
    expect(outcome.gauge).toEqual({ requested: 4, allocated: 0 });
  });

  it('deletes and forgets, treating an already missing config as deleted', async () => {
    const { lambda, deps } = setup();
    lambda.failing.deleteProvisionedConcurrencyConfig = sdkError(
      'ProvisionedConcurrencyConfigNotFoundException',
      'gone',
      {},
      404,
    );
    const outcome = await applyProvisioned(
      deps,
      [{ ...base, kind: 'delete-provisioned', previous: 4, reason: 'off' }],
      managedDirect(4),
      100,
    );
    expect(outcome.managed).toBeUndefined();
    expect(outcome.error).toBeUndefined();
  });

  it('registers a scalable target with a target-tracking policy on provisioned utilisation', async () => {
    const { autoscaling, deps } = setup();
    const outcome = await applyProvisioned(
      deps,
      [
        {
          ...base,
          kind: 'register-scalable-target',
          min: 1,
          max: 5,
          utilization: 0.6,
          putPolicy: true,
          previous: null,
          adopt: false,
          ownsConfig: false,
          reason: 'busy',
        },
      ],
      undefined,
      100,
    );
    expect(autoscaling.calls.map((c) => c.operation)).toEqual(['registerScalableTarget', 'putScalingPolicy']);
    expect(autoscaling.calls[0].input).toEqual({
      ServiceNamespace: 'lambda',
      ResourceId: 'function:api:live',
      ScalableDimension: 'lambda:function:ProvisionedConcurrency',
      MinCapacity: 1,
      MaxCapacity: 5,
      Tags: { 'thermostat:controller': 'shop-thermostat' },
    });
    expect(autoscaling.calls[1].input).toMatchObject({
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingScalingPolicyConfiguration: {
        TargetValue: 0.6,
        PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
      },
    });
    expect(outcome.managed?.provisioned).toEqual({
      strategy: 'autoscaling',
      min: 1,
      max: 5,
      utilization: 0.6,
      ownsConfig: false,
    });
  });

  it('puts the initial value for Application Auto Scaling, then registers, and records that it owns both', async () => {
    const { lambda, autoscaling, deps } = setup();
    const owned = { strategy: 'autoscaling' as const, min: 2, max: 4, utilization: 0.7, ownsConfig: true };
    const register = {
      ...base,
      kind: 'register-scalable-target' as const,
      min: 2,
      max: 4,
      utilization: 0.7,
      putPolicy: true,
      previous: null,
      adopt: false,
      ownsConfig: true,
      reason: 'window',
    };
    const decisions: Decision[] = [
      { ...base, kind: 'put-provisioned', value: 2, previous: null, adopt: false, owned, reason: 'initial' },
      register,
    ];
    const outcome = await applyProvisioned(deps, decisions, undefined, 100);
    expect(lambda.provisioned.get('api:live')).toEqual({ requested: 2, status: 'IN_PROGRESS' });
    expect(autoscaling.targets.get('function:api:live')).toEqual({ min: 2, max: 4 });
    // Registered with the controller's tag, which the construct's IAM requires of every write to a scalable target.
    expect(autoscaling.calls.find((call) => call.operation === 'registerScalableTarget')?.input).toMatchObject({
      Tags: { 'thermostat:controller': 'shop-thermostat' },
    });
    expect(autoscaling.calls.some((call) => call.operation === 'tagResource')).toBe(false);
    expect(outcome.managed).toEqual({ function: 'api', qualifier: 'live', provisioned: owned, since: 100 });
    expect(outcome.changes.map((c) => [c.action, c.from, c.to])).toEqual([
      ['put-provisioned', 'none', '2'],
      ['register-scalable-target', 'none', 'min 2, max 4, target 0.7'],
    ]);

    // The registration fails after the put: the record already says the config is Thermostat's (so it is never
    // mistaken for someone else's), and the next tick registers again.
    const failing = setup();
    failing.autoscaling.failing.registerScalableTarget = sdkError('ConcurrentUpdateException', 'busy', {}, 500);
    const half = await applyProvisioned(failing.deps, decisions, undefined, 100);
    expect(half.error?.message).toContain('register-scalable-target on api:live failed');
    expect(half.managed?.provisioned).toEqual(owned);
  });

  it('stops at the first failure and keeps ownership of what is left, so the next tick retries', async () => {
    const { lambda, autoscaling, deps } = setup();
    autoscaling.targets.set('function:api:live', { min: 1, max: 5 });
    lambda.failing.deleteProvisionedConcurrencyConfig = sdkError('ResourceConflictException', 'in progress', {}, 409);
    const managed = {
      function: 'api',
      qualifier: 'live',
      provisioned: { strategy: 'autoscaling' as const, min: 1, max: 5, utilization: 0.7 },
      since: 5,
    };
    const decisions: Decision[] = [
      { ...base, mode: 'off', kind: 'deregister-scalable-target', previous: { min: 1, max: 5 }, reason: 'off' },
      { ...base, mode: 'off', kind: 'delete-provisioned', previous: 2, reason: 'off' },
    ];
    const outcome = await applyProvisioned(deps, decisions, managed, 100);
    expect(outcome.error).toBeInstanceOf(ActionError);
    expect(outcome.error?.cause).toMatchObject({ name: 'ResourceConflictException' });
    expect(outcome.error?.message).toBe(
      'delete-provisioned on api:live failed: ResourceConflictException: in progress',
    );
    expect(outcome.managed).toEqual(managed);
    expect(outcome.changes.map((c) => [c.action, c.error?.name])).toEqual([
      ['deregister-scalable-target', undefined],
      ['delete-provisioned', 'ResourceConflictException'],
    ]);
  });

  it('records an adopted config and a kept one without writing', async () => {
    const { lambda, deps } = setup();
    const outcome = await applyProvisioned(
      deps,
      [
        {
          ...base,
          kind: 'keep-provisioned',
          requested: 3,
          allocated: 3,
          status: 'READY',
          owned: { strategy: 'direct', value: 3 },
          reason: 'in sync',
        },
      ],
      undefined,
      100,
    );
    expect(lambda.calls).toEqual([]);
    expect(outcome.managed).toEqual({ ...managedDirect(3), since: 100 });
    expect(outcome.gauge).toEqual({ requested: 3, allocated: 3 });
  });
});
