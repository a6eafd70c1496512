import { logIngestionUsd } from '../../../controller/cost';
import { PING_LOG_BYTES, WARMER_INVOCATION_LOG_BYTES, WARMER_TARGET_LOG_BYTES } from '../../../simulator/model/options';
import { lambdaWarmer } from '../../../simulator/strategies/lambda-warmer';
import { noWarming } from '../../../simulator/strategies/none';
import { serverlessPluginWarmup } from '../../../simulator/strategies/serverless-plugin-warmup';
import { HOUR, MIN, oneFunction, policySet, run } from '../helpers';

/** Arrivals 20 minutes apart, the first a minute in: longer than the 10-minute reclaim of the helpers' model. */
const sparse = oneFunction(
  Array.from({ length: 9 }, (_, i) => MIN + i * 20 * MIN),
  100,
  3 * HOUR,
);
const warm = (n: number) => policySet(`defaults:\n  warm: { concurrency: ${n}, interval: 5m }\n`);

describe('serverless-plugin-warmup', () => {
  it('keeps one environment warm with a ping every 5 minutes', () => {
    const [none, spw] = run(sparse, [noWarming(), serverlessPluginWarmup()]);
    expect(none.coldStarts).toBe(9);
    expect(spw.coldStarts).toBe(0);
    // 36 rounds in 3 hours, one ping each, plus the warmer's own invocations.
    expect(spw.pings.sent).toBe(36);
    expect(spw.cost.pings).toBeGreaterThan(0);
    expect(spw.cost.controller).toBeGreaterThan(0);
    // Logs: each ping's lines in its target, the warmer's own and its two verbose lines for the function it warms.
    const bytes = 36 * PING_LOG_BYTES + 36 * (WARMER_INVOCATION_LOG_BYTES + WARMER_TARGET_LOG_BYTES);
    expect(spw.cost.logs).toBeCloseTo(logIngestionUsd(bytes), 15);
    expect(none.cost.logs).toBe(0);
  });

  it("pays its warmer's INIT when the schedule outlasts the idle reclaim: once at 5 minutes, every time at 15", () => {
    const every = (interval: string) => policySet(`defaults:\n  warm: { concurrency: 1, interval: ${interval} }\n`);
    const [five] = run(sparse, [serverlessPluginWarmup()], {}, every('5m'));
    const [fifteen] = run(sparse, [serverlessPluginWarmup()], {}, every('15m'));
    // The helpers' model reclaims after 10 idle minutes.
    expect(five.controller).toEqual({ invocations: 36, inits: 1 });
    expect(fifteen.controller).toEqual({ invocations: 12, inits: 12 });
    // 128 MB x86_64: each INIT is 150 ms more of the warmer's billed time.
    const perInvocation = (r: typeof five) => r.cost.controller / r.controller.invocations;
    expect(perInvocation(fifteen)).toBeGreaterThan(perInvocation(five));
  });

  it('reaches N environments when the 25 ms wait makes the pings overlap (a warmer with a whole vCPU)', () => {
    const [spw] = run(oneFunction([], 100, HOUR), [serverlessPluginWarmup({ warmerMemoryMb: 1769 })], {}, warm(10));
    expect(spw.facts.roundsReachingN).toBe(1);
  });

  it('at its default 128 MB sends too slowly for a 25 ms wait: its invokes leave one CPU share apart', () => {
    const [spw] = run(oneFunction([], 100, HOUR), [serverlessPluginWarmup()], {}, warm(10));
    // About 22 ms of dispatch per invoke at 128 MB: each ping overlaps only its neighbours, once the first round
    // (every ping starting an environment cold, each busy through its init) has passed.
    expect(spw.facts.rounds).toBe(12);
    expect(spw.facts.roundsReachingN).toBeCloseTo(1 / 12, 9);
    expect(spw.facts.distinctPerWanted).toBeLessThanOrEqual(0.3);
    expect(spw.facts.distinctPerWanted).toBeGreaterThanOrEqual(0.1);
  });

  it('collapses onto fewer environments when the target answers at once (@middy/warmup)', () => {
    const [spw] = run(oneFunction([], 100, HOUR), [serverlessPluginWarmup({ holdMs: 0 })], {}, warm(10));
    expect(spw.facts.distinctPerWanted).toBeLessThan(0.5);
    expect(spw.facts.roundsReachingN).toBeLessThan(0.2);
  });

  it('never proves more than 50 environments: the 51st invoke waits for a socket, by then one is free', () => {
    // Dispatch fast enough for 50 invokes within the 25 ms wait, so only the socket pool limits it.
    const fast = serverlessPluginWarmup({ warmerDispatchMs: 0.4 });
    const [spw] = run(oneFunction([], 100, HOUR), [fast], {}, warm(60));
    expect(spw.facts.roundsReachingN).toBe(0);
    expect(spw.facts.distinctPerWanted).toBeCloseTo(50 / 60, 5);
  });
});

describe('lambda-warmer', () => {
  it('sends the root plus N − 1 self-invokes per round', () => {
    const [lw] = run(oneFunction([], 100, 30 * MIN), [lambdaWarmer()], {}, warm(5));
    expect(lw.pings.sent).toBe(6 * 5);
    expect(lw.facts.rounds).toBe(6);
  });

  it('keeps one environment warm with a ping every 5 minutes', () => {
    const [lw] = run(sparse, [lambdaWarmer()]);
    expect(lw.coldStarts).toBe(0);
    expect(lw.cost.controller).toBe(0);
  });

  it('loses overlap when Event copies wait long in the async queue', () => {
    const slow = lambdaWarmer({ asyncDelayMs: [0, 2000] });
    const [lw] = run(oneFunction([], 100, 2 * HOUR), [slow], {}, warm(10));
    expect(lw.facts.distinctPerWanted).toBeLessThan(0.8);
  });
});
