import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

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
    functions: [fn('hung'), fn('fine-a'), fn('fine-b'), ...MANY.map(fn)],
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
    // Half hold their pings briefly and fit the budget; the other half would hold for 6 s and never can.
    const controller = harness.controller(
      MANY.map((name, index) => ({
        function: name,
        qualifier: 'live',
        warm: { concurrency: 1, holdMs: index % 2 === 0 ? 100 : 6_000 },
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
