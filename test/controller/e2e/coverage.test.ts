import { LambdaClient, PutProvisionedConcurrencyConfigCommand } from '@aws-sdk/client-lambda';
import type { RunReport } from '../../../controller/report/report';
import { type Harness, startHarness, until, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * Pings and provisioned concurrency together, against the emulator: pings are skipped where READY provisioned
 * concurrency already keeps the wanted environments, and take over where an allocation FAILED.
 */
const fn = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
let lambda: LambdaClient;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    provisionedAllocationDelayMs: 100,
    controlPlaneRps: 500,
    functions: [fn('covered'), fn('partly'), fn('fragile')],
  });
  lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
});
afterAll(async () => {
  lambda?.destroy();
  await harness?.stop();
});

const functionOf = (name: string) => harness.emulator.inspect().functions.find((f) => f.name === name)!;
const invocations = (name: string) => functionOf(name).counts.invocations;
const byKey = (report: RunReport) => Object.fromEntries(report.targets.map((target) => [target.key, target]));

describe('warm targets and provisioned concurrency', () => {
  it('skips pinging a qualifier whose READY provisioned concurrency covers the wanted warmth, and only that one', async () => {
    for (const name of ['covered', 'partly']) {
      await lambda.send(
        new PutProvisionedConcurrencyConfigCommand({
          FunctionName: name,
          Qualifier: 'live',
          ProvisionedConcurrentExecutions: 2,
        }),
      );
    }
    await until(
      () => ['covered', 'partly'].every((name) => functionOf(name).provisioned[0]?.status === 'READY'),
      'both allocations to be READY',
    );
    const before = { covered: invocations('covered'), partly: invocations('partly') };

    const controller = harness.controller([
      { function: 'covered', qualifier: 'live', warm: { concurrency: 2 } },
      { function: 'partly', qualifier: 'live', warm: { concurrency: 3 } },
    ]);
    const report = await controller.tick('2026-11-23T10:00:00Z');
    expect(report.status).toBe('completed');
    const targets = byKey(report);
    expect(targets['covered:live'].decisions).toEqual([
      {
        kind: 'skip',
        reason: '2 provisioned environments are READY, covering the 2 wanted',
      },
    ]);
    expect(targets['covered:live']).toMatchObject({ status: 'ok' });
    expect(targets['covered:live']).not.toHaveProperty('warm');
    // Not a single Invoke reached the covered function.
    expect(invocations('covered')).toBe(before.covered);

    // Two READY environments do not cover three: that one is pinged as usual.
    expect(targets['partly:live'].decisions.map((d) => d.kind)).toEqual(['ping']);
    expect(targets['partly:live']).toMatchObject({ status: 'ok', warm: { wanted: 3, proven: 3, shortfall: 0 } });
    const sent = targets['partly:live'].warm!.pingsSent;
    expect(invocations('partly')).toBe(before.partly + sent);
    expect(report.totals.pingsSent).toBe(sent);
  });

  it('falls back to pings when the allocation FAILED, counts that as a failure, and classifies the pings', async () => {
    // Every environment of version 1 fails its init: the allocation FAILED, and so do on-demand cold starts.
    const fault = harness.emulator.injectFault({
      kind: 'initFailure',
      functionName: 'fragile',
      qualifier: '1',
      message: 'cannot reach the config bucket',
    });
    const controller = harness.controller(
      [{ function: 'fragile', qualifier: 'live', mode: 'provisioned', provisioned: { min: 2 } }],
      { THERMOSTAT_EVENT_BUS: 'coverage-bus' },
    );
    const requested = await controller.tick('2026-11-23T11:00:00Z');
    expect(requested.targets[0].decisions.map((d) => d.kind)).toEqual(['put-provisioned']);
    // While it allocates, pings would only race the allocation.
    expect(requested.targets[0].warm).toBeUndefined();
    await until(() => functionOf('fragile').provisioned[0]?.status === 'FAILED', 'the allocation to fail');
    expect(functionOf('fragile').provisioned).toEqual([
      expect.objectContaining({
        requested: 2,
        allocated: 0,
        status: 'FAILED',
        statusReason: 'FUNCTION_ERROR_INIT_FAILURE',
      }),
    ]);

    // The fault still holds: the pings are sent, and what they meet is reported, never counted as warmth.
    const before = invocations('fragile');
    const failing = await controller.tick('2026-11-23T11:01:00Z');
    const first = failing.targets[0];
    expect(first.decisions).toEqual([
      expect.objectContaining({ kind: 'keep-provisioned' }),
      {
        kind: 'ping',
        reason:
          '2 environments kept warm with pings because the allocation FAILED (FUNCTION_ERROR_INIT_FAILURE); first ping',
      },
    ]);
    expect(first.provisioned).toEqual({ changes: [], requested: 2, allocated: 0 });
    expect(first.status).toBe('failed');
    // The FAILED allocation is the failure; what the pings met is said too.
    expect(first.failure).toEqual({
      kind: 'provisioned-failed',
      message: expect.stringMatching(
        /^provisioned concurrency 2 on fragile:live is FAILED: FUNCTION_ERROR_INIT_FAILURE; kept warm with pings meanwhile; the pings failed too \(function-error: .*cannot reach the config bucket/,
      ),
    });
    expect(first.warm).toMatchObject({ proven: 0, answered: 0, stoppedBy: 'function-error' });
    expect(first.warm!.pingsSent).toBeGreaterThanOrEqual(1);
    expect(first.warm!.outcomes['function-error']).toBe(first.warm!.pingsSent);
    expect(invocations('fragile')).toBe(before + first.warm!.pingsSent);

    // The cause is fixed (the allocation stays FAILED, as Lambda's does): the next due pings keep 2 warm.
    harness.emulator.clearFaults(fault);
    const recovered = await controller.tick('2026-11-23T11:06:00Z');
    const second = recovered.targets[0];
    expect(second.decisions.map((d) => d.kind)).toEqual(['keep-provisioned', 'ping']);
    expect(second.decisions[1].reason).toContain('kept warm with pings because the allocation FAILED');
    expect(second).toMatchObject({ warm: { wanted: 2, proven: 2, shortfall: 0, cold: 2 } });
    // Warm, yet still a failure while the allocation stays FAILED: counted, alarmed on and published.
    expect(second).toMatchObject({ status: 'failed', failure: { kind: 'provisioned-failed' } });
    expect(recovered.totals).toMatchObject({ provisionedFailed: 1, targetFailures: 1 });
    expect(controller.metrics.totals()).toMatchObject({ ProvisionedFailed: 1, TargetFailures: 1 });
    const failedEvents = harness.emulator
      .events()
      .filter((event) => event.eventBusName === 'coverage-bus' && event.detailType === 'Thermostat Target Failed')
      .map((event) => event.detail as { runId: string; failure: { kind: string } });
    expect(failedEvents.filter((detail) => detail.runId === recovered.runId)).toEqual([
      expect.objectContaining({ failure: expect.objectContaining({ kind: 'provisioned-failed' }) }),
    ]);
    expect(second.provisioned?.changes).toEqual([]);
    expect(functionOf('fragile').provisioned).toEqual([expect.objectContaining({ status: 'FAILED' })]);
    expect(harness.emulator.environments('fragile').filter((env) => !env.provisioned)).toHaveLength(2);
  });
});
