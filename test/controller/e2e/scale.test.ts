import { scaleBenchmark } from '../../../benchmarks/scale';
import { createStateTable } from '../../../controller/state/local-table';
import type { QuotaSnapshot } from '../../../emulator';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * Account scale against the emulator's enforced control-plane quota (15 requests/s, as AWS): controllers that share
 * the account share the quota through one table, and one controller reaches many targets, some found by tag.
 */
const fn = (name: string, extra: Record<string, unknown> = {}) => ({
  name,
  handler: WARM_TARGET,
  versions: { '1': {} },
  aliases: { live: '1' },
  ...extra,
});
const names = (prefix: string, count: number) =>
  Array.from({ length: count }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

/** The busiest second the quota saw, and every request it refused. */
function peak(snapshot: QuotaSnapshot) {
  return {
    busiest: Math.max(0, ...snapshot.seconds.map((second) => second.accepted + second.throttled)),
    throttled: snapshot.throttled,
  };
}

describe('two controllers in one account', () => {
  const A = names('team-a', 15);
  const B = names('team-b', 15);
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      environment: 'light',
      provisionedAllocationDelayMs: 100,
      controlPlaneRps: 15,
      functions: [...A, ...B].map((name) => fn(name)),
    });
    await createStateTable(harness.dynamo, `${harness.table}-b`);
  });
  afterAll(() => harness?.stop());

  it('stay within the 15 requests/s together, and neither says completed when it left targets out', async () => {
    const policies = (list: readonly string[]) =>
      list.map((name) => ({ function: name, qualifier: 'live', mode: 'provisioned', provisioned: { min: 1 } }));
    // Each has its own state table (its own targets to clean up after); the account's budget is in one table.
    const shared = { THERMOSTAT_ACCOUNT_TABLE: harness.table };
    const a = harness.controller(policies(A), shared);
    const b = harness.controller(policies(B), { ...shared, THERMOSTAT_TABLE: `${harness.table}-b` });
    harness.emulator.quotas({ reset: true });
    const [first, second] = await Promise.all([a.tick('2026-11-23T10:00:00Z'), b.tick('2026-11-23T10:00:00Z')]);
    const quota = harness.emulator.quotas({ reset: true }).control;
    expect(peak(quota)).toEqual({ busiest: expect.any(Number), throttled: 0 });
    expect(peak(quota).busiest).toBeLessThanOrEqual(15);
    // Reads, alias checks and one put per target, all of them through the shared budget.
    expect(quota.accepted).toBeGreaterThanOrEqual(2 * 15 * 2);
    for (const report of [first, second]) {
      expect(report.status).toBe('completed');
      expect(report.totals).toMatchObject({ targets: 15, targetFailures: 0, provisionedChanges: 15 });
    }

    // No time left after the reserve: nothing may start, and each controller lists every target it left out.
    const [short1, short2] = await Promise.all([
      a.tick('2026-11-23T10:01:00Z', 1_000),
      b.tick('2026-11-23T10:01:00Z', 1_000),
    ]);
    expect(harness.emulator.quotas({ reset: true }).control.throttled).toBe(0);
    for (const report of [short1, short2]) {
      expect(report.status).toBe('partial');
      expect(report.targets).toEqual([]);
      expect(report.skipped).toHaveLength(15);
      for (const skipped of report.skipped) expect(skipped.reason).toMatch(/time budget exhausted/);
    }
  }, 60_000);
});

describe('one controller, targets from the policy set and by tag, under the enforced quota', () => {
  it('reaches every target within a bounded number of ticks, never above the quota', async () => {
    // Small in `npm test`; benchmarks/scale.ts runs the same with 2,000 targets (1,000 by tag).
    // 10 s per tick, 5 s of it kept in reserve: too short for everything at once.
    const result = await scaleBenchmark({ explicit: 60, tagged: 40, untagged: 10, remainingMs: 10_000, maxTicks: 10 });
    expect(result.ticksToReachAll).toBeDefined();
    expect(result.ticksToReachAll).toBeLessThanOrEqual(8);
    for (const tick of result.ticks) {
      expect(tick.throttled).toBe(0);
      expect(tick.controlPeakPerSecond).toBeLessThanOrEqual(15);
      // A tick that did not reach every target says so: skipped (partial), failed, or short of environments.
      // (run.ts reports pings cut short by the time budget as shortfall, not as `partial`.)
      if (tick.proven < 100) expect(tick.status === 'partial' || tick.failed + tick.shortfall > 0).toBe(true);
    }
    const last = result.ticks.at(-1)!;
    expect(last).toMatchObject({ targets: 100, skipped: 0 });
    expect(last.discovery).toMatchObject({ tagged: 40, targets: 40, complete: true, scanned: 110 });
    // Once discovered and observed, a tick reads nothing per target from GetFunction.
    expect(last.getFunctionCalls).toBe(0);
  }, 150_000);
});
