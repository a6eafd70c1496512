/**
 * Bursts of parallel requests through the real handler composition, SDK clients and emulator: auto mode finds the
 * environments a burst left (its rounds reach only as many as they ping) and keeps them warm for the next burst.
 */
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { type Harness, startHarness, until, WARM_TARGET } from '../../fixtures/controller/harness';

let harness: Harness;
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    functions: [{ name: 'fanout', handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } }],
  });
});
afterAll(() => harness?.stop());

describe('a burst of parallel requests, in auto mode', () => {
  it('is found by rounds that look for more, and its environments are kept warm without waiting for cold starts', async () => {
    const lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
    const controller = harness.controller([
      { function: 'fanout', qualifier: 'live', mode: 'auto', auto: { maxEnvironments: 5 } },
    ]);
    // scheduled times an hour back, five minutes apart, so every round is due (a tick may not claim a future
    // minute); the proofs carry the emulator's clock, which the traffic history compares with itself
    const start = Date.now() - 60 * 60_000;
    const tick = (minutes: number) => controller.tick(new Date(start + minutes * 60_000).toISOString());
    // the first round proves one environment (its ping starts it)
    expect((await tick(0)).totals).toMatchObject({ environmentsProven: 1 });
    // the first round's environment busy with a long request, then a burst of three parallel ones: each starts an
    // environment of its own, and the long request keeps the first round's environment out of the next round
    const invoke = (sleepMs: number) =>
      lambda.send(
        new InvokeCommand({ FunctionName: 'fanout', Qualifier: 'live', Payload: JSON.stringify({ sleepMs }) }),
      );
    const fanout = () => harness.emulator.inspect().functions.find((fn) => fn.name === 'fanout')!.environments;
    const long = invoke(15_000);
    await until(() => fanout().some((env) => env.state === 'busy'), 'the long request to start');
    await Promise.all([0, 1, 2].map(() => invoke(300)));
    expect(fanout()).toHaveLength(4);
    // the next round reaches one environment the burst used; the one after it plans with what that showed: traffic
    // outgrew what was kept, so it looks for more, doubling until a round finds an environment the burst did not use
    const fifth = await tick(5);
    // what the round saw since the one before, beside the forecast: the burst's request on an environment it started
    expect(fifth.targets[0].warm?.seen).toEqual({ since: expect.any(Number), requests: 1, coldStarts: 1 });
    const looks: number[] = [];
    const reasons: string[] = [];
    let last = await tick(10);
    for (let minutes = 10; ; minutes += 5) {
      if (minutes > 10) last = await tick(minutes);
      looks.push(last.targets[0].warm?.wanted ?? 0);
      reasons.push(last.targets[0].decisions[0].reason);
      if (/a burst used \d environments at once/.test(reasons[reasons.length - 1]) || minutes >= 40) break;
    }
    expect(reasons[0]).toMatch(/traffic outgrew the 1 environment the last round reached/);
    expect(looks[0]).toBe(2);
    expect(last.targets[0].decisions[0].reason).toMatch(
      /a burst used [3-5] environments at once .*kept warm for the next/,
    );
    // the round that keeps them finds them all: no ping starts an environment, none is short
    expect(last.targets[0].warm).toMatchObject({ cold: 0, shortfall: 0 });
    expect(last.targets[0].warm?.wanted).toBeGreaterThanOrEqual(3);
    // the load the proofs measured gives a forecast for the environments kept, in the report and its log line
    const forecast = last.targets[0].forecast;
    expect(forecast?.coldShare).toBeGreaterThan(0);
    expect(forecast?.coldShare).toBeLessThan(0.01);
    expect(forecast?.requestsPerMinute).toBeGreaterThan(0);
    const logged = controller.log.lines.filter((entry) => entry.message === 'target done').at(-1);
    expect(logged?.attributes).toMatchObject({ forecast, seen: last.targets[0].warm?.seen });
    await long;
    lambda.destroy();
  });
});
