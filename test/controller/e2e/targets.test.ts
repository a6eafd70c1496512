import { ApplicationAutoScalingClient, DescribeScalableTargetsCommand } from '@aws-sdk/client-application-auto-scaling';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * CloudFormation names functions `<stack>-<id>-<suffix>`, so the policies name functions that do not exist under
 * those names. The construct passes THERMOSTAT_TARGETS (policy key → ARN); here the written names also exist, as
 * decoys, to prove that not a single call goes to the name a policy was written with.
 */
const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  handler: WARM_TARGET,
  versions: { '1': {} },
  aliases: { live: '1' },
  ...extra,
});
const CHECKOUT = 'Stack-CheckoutApi-AB12CD';
const INBOX = 'Stack-Inbox-9QW8E7';
const BATCH = 'Stack-Batch-ZX12CV';
const REPORTS = 'Stack-Reports-PL09OK';
const LEDGER = 'Stack-Ledger-MN34BV';

let harness: Harness;
let arn: (name: string, qualifier?: string) => string;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    controlPlaneRps: 500,
    functions: [
      fn(CHECKOUT),
      fn('checkout-api'),
      fn(INBOX),
      fn('inbox'),
      fn(BATCH, { versions: { '1': {}, '2': {} }, aliases: {} }),
      fn(REPORTS),
      fn('reports'),
      fn(LEDGER),
      fn('ledger'),
    ],
  });
  const { region, accountId } = harness.emulator;
  arn = (name, qualifier) =>
    `arn:aws:lambda:${region}:${accountId}:function:${name}${qualifier === undefined ? '' : `:${qualifier}`}`;
});
afterAll(() => harness?.stop());

const functionOf = (name: string) => harness.emulator.inspect().functions.find((f) => f.name === name)!;

describe('THERMOSTAT_TARGETS: policies act on the deployed functions the construct maps them to', () => {
  it('pings and proofs land on the mapped alias, $LATEST and version; the written names see nothing', async () => {
    const controller = harness.controller(
      [
        // Holds of a second (default 250 ms): one round per target (PingsSent 3) even on a busy CI machine.
        { function: 'checkout-api', qualifier: 'live', warm: { concurrency: 3, holdMs: 1_000 } },
        { function: 'inbox', warm: { concurrency: 2, holdMs: 1_000 } },
        // an inline policy for a version whose number is a token at synth: the construct writes a stand-in
        { function: 'Batch-t2', qualifier: 'version', warm: { concurrency: 2, holdMs: 1_000 } },
      ],
      {
        THERMOSTAT_TARGETS: JSON.stringify({
          'checkout-api:live': arn(CHECKOUT, 'live'),
          'inbox:$LATEST': arn(INBOX),
          'Batch-t2:version': arn(BATCH, '1'),
        }),
        // Per-target metrics for opted-in targets only: by policy key or by the deployed name.
        THERMOSTAT_DETAILED_METRICS: `checkout-api:live, ${INBOX}`,
      },
    );
    const report = await controller.tick('2026-11-23T10:00:00Z');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ targets: 3, environmentsProven: 7, shortfall: 0, targetFailures: 0 });
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t]));
    expect(Object.keys(byTarget).sort()).toEqual([`${BATCH}:1`, `${CHECKOUT}:live`, INBOX]);
    // The key stays the policy's own; function and qualifier say what was acted on.
    expect(byTarget[`${CHECKOUT}:live`]).toMatchObject({
      key: 'checkout-api:live',
      function: arn(CHECKOUT),
      qualifier: 'live',
      warm: { proven: 3 },
    });
    expect(byTarget[`${BATCH}:1`]).toMatchObject({ key: 'Batch-t2:version', qualifier: '1', warm: { proven: 2 } });

    // The proofs are the mapped functions' own environments (the version's for the version).
    const proven = (target: string) => [...(byTarget[target].warm?.environments ?? [])].sort();
    const started = (name: string) =>
      harness.emulator
        .environments(name)
        .map((env) => env.id)
        .sort();
    expect(proven(`${CHECKOUT}:live`)).toEqual(started(CHECKOUT));
    expect(proven(INBOX)).toEqual(started(INBOX));
    expect(proven(`${BATCH}:1`)).toEqual(started(BATCH));
    expect(harness.emulator.environments(BATCH).map((env) => env.version)).toEqual(['1', '1']);
    expect(harness.emulator.environments(INBOX).map((env) => env.version)).toEqual(['$LATEST', '$LATEST']);
    for (const decoy of ['checkout-api', 'inbox']) expect(functionOf(decoy).counts.invocations).toBe(0);

    // The Target dimension is what the construct's dashboard queries: the ARN's part after `function:`.
    expect(controller.metrics.forTarget(`${CHECKOUT}:live`)).toMatchObject({ EnvironmentsProven: 3, PingsSent: 3 });
    expect(controller.metrics.forTarget(INBOX)).toMatchObject({ EnvironmentsProven: 2 });
    expect(controller.metrics.forTarget('checkout-api:live')).toBeUndefined();

    // State is kept by policy key: five minutes later the same environments answer, warm.
    const later = await controller.tick('2026-11-23T10:05:00Z');
    expect(later.totals).toMatchObject({ environmentsProven: 7, coldEnvironments: 0 });
  });

  it('provisioned concurrency and Application Auto Scaling use the deployed name, and release through it', async () => {
    const aas = new ApplicationAutoScalingClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
    const scalable = async (resourceId: string) =>
      (await aas.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'lambda', ResourceIds: [resourceId] })))
        .ScalableTargets?.[0];
    const targets = JSON.stringify({ 'reports:live': arn(REPORTS, 'live'), 'ledger:live': arn(LEDGER, 'live') });
    const policies = (mode: string) => [
      { function: 'reports', qualifier: 'live', mode, provisioned: { min: 1, max: 2, strategy: 'autoscaling' } },
      { function: 'ledger', qualifier: 'live', mode, provisioned: { min: 1 } },
    ];
    try {
      const on = await harness
        .controller(policies('provisioned'), { THERMOSTAT_TARGETS: targets })
        .tick('2026-11-23T11:00:00Z');
      // reports: the initial config Application Auto Scaling needs, then its target; ledger: one put.
      expect(on.totals).toMatchObject({ targetFailures: 0, provisionedChanges: 3 });
      expect(await scalable(`function:${REPORTS}:live`)).toMatchObject({ MinCapacity: 1, MaxCapacity: 2 });
      expect(functionOf(REPORTS).provisioned).toEqual([expect.objectContaining({ qualifier: 'live', requested: 1 })]);
      expect(await scalable('function:reports:live')).toBeUndefined();
      expect(functionOf(LEDGER).provisioned).toEqual([expect.objectContaining({ qualifier: 'live', requested: 1 })]);
      expect(functionOf('ledger').provisioned).toEqual([]);

      // What Thermostat created is found again and removed through the same ARNs.
      const off = await harness
        .controller(policies('off'), { THERMOSTAT_TARGETS: targets })
        .tick('2026-11-23T11:01:00Z');
      const actions = off.targets.flatMap((t) => t.provisioned?.changes.map((c) => `${t.target} ${c.action}`) ?? []);
      expect(actions).toEqual(
        expect.arrayContaining([
          `${REPORTS}:live deregister-scalable-target`,
          `${REPORTS}:live delete-provisioned`,
          `${LEDGER}:live delete-provisioned`,
        ]),
      );
      expect(off.totals.targetFailures).toBe(0);
      expect(await scalable(`function:${REPORTS}:live`)).toBeUndefined();
      expect(functionOf(REPORTS).provisioned).toEqual([]);
      expect(functionOf(LEDGER).provisioned).toEqual([]);
    } finally {
      aas.destroy();
    }
  });

  it('a policy without an entry, an entry without a policy and a bad ARN fail their own targets only', async () => {
    const controller = harness.controller(
      [
        { function: 'checkout-api', qualifier: 'live', warm: { concurrency: 1 } },
        { function: 'inbox', warm: { concurrency: 1 } },
        { function: 'reports', qualifier: 'live', warm: { concurrency: 1 } },
        { function: 'ledger', qualifier: 'live', warm: { concurrency: 1 } },
      ],
      {
        THERMOSTAT_TARGETS: JSON.stringify({
          'checkout-api:live': arn(CHECKOUT, 'live'),
          'reports:live': 'Stack-Reports-PL09OK:live',
          'ledger:live': arn(LEDGER),
          'gone:live': arn('Stack-Gone-1A2B3C', 'live'),
        }),
        THERMOSTAT_DETAILED_METRICS: 'gone:live',
      },
    );
    const invocationsBefore = Object.fromEntries(
      ['inbox', 'reports', 'ledger', INBOX, REPORTS, LEDGER].map((name) => [name, functionOf(name).counts.invocations]),
    );
    const report = await controller.tick('2026-11-23T12:00:00Z');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ targets: 5, targetFailures: 4, environmentsProven: 1 });
    const byKey = Object.fromEntries(report.targets.map((t) => [t.key, t]));
    expect(byKey['checkout-api:live']).toMatchObject({ status: 'ok', target: `${CHECKOUT}:live` });
    expect(byKey['inbox:$LATEST']).toMatchObject({
      status: 'failed',
      failure: { kind: 'target-unmapped', message: expect.stringContaining('no entry for inbox:$LATEST') },
    });
    expect(byKey['reports:live'].failure).toEqual({
      kind: 'target-invalid',
      message: expect.stringContaining('not a Lambda function ARN'),
    });
    expect(byKey['ledger:live'].failure).toEqual({
      kind: 'target-invalid',
      message: expect.stringContaining('which is $LATEST, but the policy is for qualifier live'),
    });
    expect(byKey['gone:live']).toMatchObject({
      status: 'failed',
      target: 'Stack-Gone-1A2B3C:live',
      failure: { kind: 'target-unknown', message: expect.stringContaining('no policy has that key') },
    });
    // Nothing was acted on for them, neither by the written name nor by a half-valid ARN.
    for (const [name, before] of Object.entries(invocationsBefore))
      expect(functionOf(name).counts.invocations).toBe(before);
    expect(controller.metrics.forTarget('Stack-Gone-1A2B3C:live')).toMatchObject({ TargetFailures: 1 });
    expect(controller.log.lines).toContainEqual(
      expect.objectContaining({ level: 'warn', message: 'target failed', attributes: expect.anything() }),
    );
  });
});
