import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';

/**
 * An account close to full: limit 100, 40 reserved by another function, real traffic holding about 54 environments
 * of the 60 left, and policies asking for 80 more. Over ten ticks warming must not throttle one real request more
 * than the same traffic without Thermostat: the controller reads what is in use and takes only what is free.
 */
const version = { versions: { '1': {} }, aliases: { live: '1' } };
const CONCURRENT = 54;

let harness: Harness;
let lambda: LambdaClient;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    controlPlaneRps: 500,
    accountConcurrency: 100,
    functions: [
      { name: 'reserved-elsewhere', handler: 'targets/plain.js', reservedConcurrency: 40 },
      { name: 'traffic', handler: 'targets/hold.js', timeoutMs: 10_000 },
      { name: 'a', handler: WARM_TARGET, ...version },
      { name: 'b', handler: WARM_TARGET, ...version },
    ],
  });
  lambda = new LambdaClient({
    region: harness.emulator.region,
    endpoint: harness.emulator.endpoint,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
});
afterAll(() => harness?.stop());

/** Keeps CONCURRENT real requests in flight until `stop` is called; resolves with how many were throttled. */
function realTraffic(): { stop: () => Promise<{ sent: number; throttled: number }> } {
  let running = true;
  let sent = 0;
  let throttled = 0;
  const worker = async () => {
    while (running) {
      sent++;
      try {
        await lambda.send(
          new InvokeCommand({ FunctionName: 'traffic', Payload: Buffer.from(JSON.stringify({ ms: 1_500 })) }),
        );
      } catch (error) {
        if ((error as { name?: string }).name === 'TooManyRequestsException') throttled++;
        else throw error;
      }
    }
  };
  const workers = Array.from({ length: CONCURRENT }, worker);
  return {
    stop: async () => {
      running = false;
      await Promise.all(workers);
      return { sent, throttled };
    },
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('warming against live traffic on a nearly full account', () => {
  it('throttles no real request over ten ticks, counted against the same run without Thermostat', async () => {
    // Without Thermostat: the traffic alone.
    const alone = realTraffic();
    await pause(6_000);
    const baseline = await alone.stop();

    // With Thermostat ticking while the same traffic runs.
    const traffic = realTraffic();
    await pause(3_000);
    const controller = harness.controller([
      { function: 'a', qualifier: 'live', warm: { concurrency: 40, holdMs: 1_000 }, budget: { maxShare: 1 } },
      { function: 'b', qualifier: 'live', warm: { concurrency: 40, holdMs: 1_000 }, budget: { maxShare: 1 } },
    ]);
    const reports = [];
    for (let minute = 0; minute < 10; minute++) {
      const at = new Date(Date.UTC(2026, 10, 23, 16, minute * 6)).toISOString();
      reports.push(await controller.tick(at));
    }
    const withThermostat = await traffic.stop();

    expect(baseline.sent).toBeGreaterThan(CONCURRENT);
    expect(withThermostat.sent).toBeGreaterThan(CONCURRENT);
    // Warming took nothing real traffic needed.
    expect(withThermostat.throttled).toBe(baseline.throttled);
    expect(harness.emulator.inspect().functions.find((f) => f.name === 'traffic')!.counts.throttles).toBe(
      baseline.throttled,
    );
    // The controller saw what was in use and kept its pings within what was free.
    for (const report of reports) {
      expect(report.account?.inUse).toBeGreaterThanOrEqual(CONCURRENT - 10);
      const free = report.account!.unreserved - report.account!.inUse!;
      expect(report.totals.pingsSent).toBeLessThanOrEqual(Math.max(0, free));
    }
  }, 120_000);
});
