import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  ListTagsForResourceCommand,
  PutScalingPolicyCommand,
  RegisterScalableTargetCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import type { RunReport } from '../../../controller/report/report';
import { type Harness, startHarness, until, WARM_TARGET } from '../../fixtures/controller/harness';

/** Adopting takes over what another owner set up; letting go gives it back as it was, never deletes it. */
const fn = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
let aas: ApplicationAutoScalingClient;
let lambda: LambdaClient;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    controlPlaneRps: 500,
    functions: [fn('theirs'), fn('plain')],
  });
  aas = new ApplicationAutoScalingClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
  lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  aas?.destroy();
  lambda?.destroy();
  await harness?.stop();
});

const resource = (name: string) => `function:${name}:live`;
const provisionedOf = (name: string) => harness.emulator.inspect().functions.find((f) => f.name === name)!.provisioned;
async function scalableTarget(name: string) {
  const response = await aas.send(
    new DescribeScalableTargetsCommand({ ServiceNamespace: 'lambda', ResourceIds: [resource(name)] }),
  );
  return response.ScalableTargets?.[0];
}
async function scalingPolicies(name: string) {
  const response = await aas.send(
    new DescribeScalingPoliciesCommand({ ServiceNamespace: 'lambda', ResourceId: resource(name) }),
  );
  return (response.ScalingPolicies ?? []).map((policy) => ({
    name: policy.PolicyName,
    target: policy.TargetTrackingScalingPolicyConfiguration?.TargetValue,
  }));
}
/** The scalable target's tags (the construct's IAM lets Thermostat write only to those with its tag). */
async function tagsOf(name: string) {
  const arn = (await scalableTarget(name))?.ScalableTargetARN;
  return (await aas.send(new ListTagsForResourceCommand({ ResourceARN: arn }))).Tags;
}
const changesOf = (report: RunReport, key: string) =>
  (report.targets.find((target) => target.key === key)?.provisioned?.changes ?? []).map(
    (change) => `${change.action} ${change.from} → ${change.to}`,
  );

describe('release restores what the owner had', () => {
  it('autoscaling: their config, scalable target and scaling policy go back when the adopting policy is removed', async () => {
    // The owner's setup: 5 provisioned, a scalable target [1, 10] and their own target tracking at 50 %.
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'theirs',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 5,
      }),
    );
    const scope = {
      ServiceNamespace: 'lambda' as const,
      ResourceId: resource('theirs'),
      ScalableDimension: 'lambda:function:ProvisionedConcurrency' as const,
    };
    await aas.send(new RegisterScalableTargetCommand({ ...scope, MinCapacity: 1, MaxCapacity: 10 }));
    await aas.send(
      new PutScalingPolicyCommand({
        ...scope,
        PolicyName: 'their-tracking',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 0.5,
          PredefinedMetricSpecification: { PredefinedMetricType: 'LambdaProvisionedConcurrencyUtilization' },
        },
      }),
    );

    const adopting = harness.controller([
      {
        function: 'theirs',
        qualifier: 'live',
        mode: 'provisioned',
        provisioned: { strategy: 'autoscaling', min: 2, max: 4, adopt: true },
      },
    ]);
    const adopted = await adopting.tick('2026-11-23T10:00:00Z');
    // Their tracking policy would fight Thermostat's: removed, and the report says so.
    expect(changesOf(adopted, 'theirs:live')).toEqual([
      "register-scalable-target min 1, max 10 → min 2, max 4, target 0.7, previous owner's scaling policies their-tracking removed",
    ]);
    expect(adopted.targets[0].decisions[0].reason).toContain(
      "removes the previous owner's scaling policies their-tracking (recorded, put back when Thermostat lets go)",
    );
    expect(await scalableTarget('theirs')).toMatchObject({ MinCapacity: 2, MaxCapacity: 4 });
    expect(await scalingPolicies('theirs')).toEqual([{ name: 'thermostat-target-tracking', target: 0.7 }]);
    // Adopted: tagged as Thermostat's (before their policies were removed), and untagged when handed back below.
    expect(await tagsOf('theirs')).toEqual({ 'thermostat:controller': expect.any(String) });

    // Lambda refuses a change while the last one is still allocating; on a loaded machine that takes a moment.
    await until(() => provisionedOf('theirs')[0]?.status === 'READY', 'READY');
    // The policy is removed: everything goes back as it was, nothing is deleted.
    const released = await harness.controller([]).tick('2026-11-23T10:01:00Z');
    expect(changesOf(released, 'theirs:live')).toEqual([
      expect.stringMatching(/^put-provisioned \d → 5$/),
      'register-scalable-target min 2, max 4 → min 1, max 10, scaling policies their-tracking restored',
    ]);
    expect(await scalableTarget('theirs')).toMatchObject({ MinCapacity: 1, MaxCapacity: 10 });
    expect(await scalingPolicies('theirs')).toEqual([{ name: 'their-tracking', target: 0.5 }]);
    expect(await tagsOf('theirs')).toEqual({});
    expect(provisionedOf('theirs')).toEqual([expect.objectContaining({ requested: 5 })]);

    // Thermostat owns nothing there any more: the next tick leaves it all alone.
    const quiet = await harness.controller([]).tick('2026-11-23T10:02:00Z');
    expect(quiet.targets).toEqual([]);
    expect(await scalableTarget('theirs')).toMatchObject({ MinCapacity: 1, MaxCapacity: 10 });
  });

  it('direct: a plain config goes back to its value when the adopting policy is set off', async () => {
    await lambda.send(
      new PutProvisionedConcurrencyConfigCommand({
        FunctionName: 'plain',
        Qualifier: 'live',
        ProvisionedConcurrentExecutions: 3,
      }),
    );
    // Lambda refuses a change while the last one is still allocating; on a loaded machine that takes a moment.
    await until(() => provisionedOf('plain')[0]?.status === 'READY', 'READY');
    const policy = (mode: string) => [
      { function: 'plain', qualifier: 'live', mode, provisioned: { min: 2, adopt: true } },
    ];
    const adopted = await harness.controller(policy('provisioned')).tick('2026-11-23T11:00:00Z');
    expect(changesOf(adopted, 'plain:live')).toEqual(['put-provisioned 3 → 2']);
    expect(provisionedOf('plain')).toEqual([expect.objectContaining({ requested: 2 })]);
    // Lambda refuses a change while the last one is still allocating; on a loaded machine that takes a moment.
    await until(() => provisionedOf('plain')[0]?.status === 'READY', 'READY');

    const off = await harness.controller(policy('off')).tick('2026-11-23T11:01:00Z');
    expect(changesOf(off, 'plain:live')).toEqual(['put-provisioned 2 → 3']);
    expect(off.targets[0].decisions.map((decision) => decision.kind)).toEqual(['put-provisioned', 'forget']);
    expect(provisionedOf('plain')).toEqual([expect.objectContaining({ requested: 3 })]);

    const quiet = await harness.controller(policy('off')).tick('2026-11-23T11:02:00Z');
    expect(quiet.totals.provisionedChanges).toBe(0);
    expect(provisionedOf('plain')).toEqual([expect.objectContaining({ requested: 3 })]);
  });
});
