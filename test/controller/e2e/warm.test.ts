import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { WeightedSemaphore } from '../../../controller/concurrency';
import { run } from '../../../controller/run';
import { type Harness, startHarness, WARM_TARGET } from '../../fixtures/controller/harness';
import { fixtureClock, spreadTraffic } from '../../fixtures/controller/spread-traffic';

const warm = (name: string) => ({ name, handler: WARM_TARGET, versions: { '1': {} }, aliases: { live: '1' } });

let harness: Harness;
const clock = fixtureClock();
beforeAll(async () => {
  harness = await startHarness({
    environment: 'light',
    functions: [
      warm('one'),
      warm('five'),
      warm('ten'),
      warm('three'),
      { ...warm('timer'), env: clock.env },
      warm('burst'),
    ],
  });
});
afterAll(async () => {
  await harness?.stop();
  clock.remove();
});

describe('warm-up pings through the real handler composition, SDK clients and emulator', () => {
  it('three targets asking for 1, 5 and 10 environments end with exactly 16 distinct environments proven', async () => {
    // One round per target (PingsSent 16) needs every ping of a round to arrive while the others are held: a
    // hold of a second, not the default 250 ms, keeps that true when CI's two cores are busy.
    const warmth = (concurrency: number) => ({ concurrency, holdMs: 1_000 });
    const controller = harness.controller(
      [
        { function: 'one', qualifier: 'live', warm: warmth(1) },
        { function: 'five', qualifier: 'live', warm: warmth(5) },
        { function: 'ten', qualifier: 'live', warm: warmth(10) },
      ],
      { THERMOSTAT_DETAILED_METRICS: 'ten:live' },
    );
    const report = await controller.tick('2026-11-23T10:00:00Z');
    expect(report.status).toBe('completed');
    expect(report.totals).toMatchObject({ targets: 3, environmentsProven: 16, shortfall: 0, targetFailures: 0 });
    const byTarget = Object.fromEntries(report.targets.map((t) => [t.target, t.warm?.proven]));
    expect(byTarget).toEqual({ 'one:live': 1, 'five:live': 5, 'ten:live': 10 });

    // The proofs name real environments: exactly the ones the emulator started, one per proof.
    const proven = report.targets.flatMap((t) => t.warm?.environments ?? []);
    expect(new Set(proven).size).toBe(16);
    const started = harness.emulator.environments().map((env) => env.id);
    expect(started.sort()).toEqual([...proven].sort());
    expect(report.totals.coldEnvironments).toBe(16);

    // Metrics: per target with the Target dimension (only for the target opted in), totals without.
    // (a count of zero is not published)
    expect(controller.metrics.forTarget('ten:live')).toMatchObject({ EnvironmentsProven: 10 });
    expect(controller.metrics.forTarget('ten:live')).not.toHaveProperty('Shortfall');
    expect(controller.metrics.forTarget('five:live')).toBeUndefined();
    expect(controller.metrics.totals()).toMatchObject({ EnvironmentsProven: 16, PingsSent: 16 });

    // Five minutes later the same environments answer, warm.
    const later = await controller.tick('2026-11-23T10:05:00Z');
    expect(later.totals).toMatchObject({ environmentsProven: 16, coldEnvironments: 0 });
    // One minute after that nothing is due.
    const next = await controller.tick('2026-11-23T10:06:00Z');
    expect(next.totals.pingsSent).toBe(0);
    expect(next.targets.every((t) => t.decisions.some((d) => d.kind === 'skip'))).toBe(true);
  });
});

describe('holds learned from the proofs', () => {
  it('measures how long its pings take to arrive and holds about twice that, still proving every environment', async () => {
    const controller = harness.controller([
      { function: 'three', qualifier: 'live', warm: { concurrency: 3, holdMs: 1_000 } },
    ]);
    // cold pings arrive after their init: nothing to learn from them
    const cold = await controller.tick('2026-11-23T10:20:00Z');
    expect(cold.totals).toMatchObject({ environmentsProven: 3, coldEnvironments: 3 });
    expect(cold.targets[0].warm?.latencyMs).toBeUndefined();
    // the warm round, held the policy's second, measures it from the holds the proofs report
    const measured = (await controller.tick('2026-11-23T10:25:00Z')).targets[0].warm?.latencyMs;
    expect(measured).toBeGreaterThanOrEqual(0);
    expect(measured).toBeLessThan(1_000);
    // the next round holds for that, and its pings still overlap on the same three environments
    const learned = await controller.tick('2026-11-23T10:30:00Z');
    const ping = learned.targets[0].decisions.find((decision) => decision.kind === 'ping');
    expect(ping?.reason).toMatch(/reached their environments within \d+ ms/);
    expect(learned.totals).toMatchObject({ environmentsProven: 3, coldEnvironments: 0, shortfall: 0 });
  });
});

describe('traffic that keeps its environment warm by itself', () => {
  it('is seen in the idle gaps the helper reports, and auto mode stops pinging it', async () => {
    // twelve real requests about a minute apart over the last ten minutes: one environment, never idle for long
    await spreadTraffic(harness.emulator, clock.file, 'timer', 12, 10 * 60_000);
    const controller = harness.controller([{ function: 'timer', qualifier: 'live', mode: 'auto' }]);
    // the controller's clock is the emulator's: the last request above was moments ago
    const now = Date.now();
    const first = await controller.tick(new Date(now).toISOString());
    expect(first.totals).toMatchObject({ environmentsProven: 1, shortfall: 0 });
    const next = await controller.tick(new Date(now + 60_000).toISOString());
    expect(next.totals.pingsSent).toBe(0);
    const skip = next.targets[0].decisions.find((decision) => decision.kind === 'skip');
    expect(skip?.reason).toMatch(
      /real traffic keeps the environment warm by itself \(idle gaps [\d.]+ s–[\d.]+ s over 11/,
    );
  });

  it('is not a burst of requests seconds apart on a new environment: its pings go on', async () => {
    const lambda = new LambdaClient({ ...harness.emulator.clientConfig(), maxAttempts: 1 });
    for (let i = 0; i < 12; i++) {
      await lambda.send(new InvokeCommand({ FunctionName: 'burst', Qualifier: 'live', Payload: '{"real":true}' }));
    }
    lambda.destroy();
    const controller = harness.controller([{ function: 'burst', qualifier: 'live', mode: 'auto' }]);
    const now = Date.now();
    await controller.tick(new Date(now).toISOString());
    // a round later: the burst's twelve requests say nothing about the minutes after it
    const next = await controller.tick(new Date(now + 5 * 60_000).toISOString());
    expect(next.totals.pingsSent).toBeGreaterThanOrEqual(1);
    expect(next.targets[0].decisions.some((decision) => decision.kind === 'ping')).toBe(true);
  });
});

describe('a round of 200', () => {
  it('lands on 200 distinct environments with the socket pool sized to the round', async () => {
    harness.emulator.registerFunction({ ...warm('wide'), handler: harness.warmTarget });
    const controller = harness.controller([
      // A hold of seconds, not the default 100 ms: all 200 must still overlap when CI's two cores are busy (3 s was
      // not always enough with other work sharing them).
      { function: 'wide', qualifier: 'live', warm: { concurrency: 200, holdMs: 6_000 }, budget: { maxShare: 0.5 } },
    ]);
    expect(controller.runtime.maxSockets).toBeGreaterThanOrEqual(200);
    const report = await controller.tick('2026-11-23T11:00:00Z');
    const target = report.targets[0];
    expect(target.warm).toMatchObject({ wanted: 200, proven: 200, shortfall: 0, rounds: 1, pingsSent: 200 });
    expect(harness.emulator.environments('wide')).toHaveLength(200);
  });

  it('with the SDK default pool of 50 sockets, 200 concurrent pings run in waves and prove fewer environments', async () => {
    harness.emulator.registerFunction({ ...warm('narrow'), handler: harness.warmTarget });
    const controller = harness.controller(
      [{ function: 'narrow', qualifier: 'live', warm: { concurrency: 200, holdMs: 300 }, budget: { maxShare: 0.5 } }],
      { THERMOSTAT_MAX_SOCKETS: '50', THERMOSTAT_MAX_ROUNDS: '1' },
    );
    // Let the whole round through to the HTTP layer, as a warmer that does not size its pool would.
    const unguarded = { ...controller.deps, semaphore: new WeightedSemaphore(1000) };
    const report = await run(unguarded, { time: '2026-11-23T12:00:00Z' }, { getRemainingTimeInMillis: () => 50_000 });
    const result = report.targets[0].warm!;
    expect(result.pingsSent).toBe(200);
    expect(result.answered).toBe(200);
    expect(result.proven).toBeLessThan(200);
    expect(harness.emulator.environments('narrow').length).toBeLessThan(200);
  });
});
