import { ThermostatDefaults } from '../../../construct/thermostat';
import { logIngestionUsd, PRICES } from '../../../controller/cost';
import * as planner from '../../../controller/plan';
import {
  CONTROLLER_INVOCATION_LOG_BYTES,
  CONTROLLER_TARGET_LOG_BYTES,
  PING_LOG_BYTES,
} from '../../../simulator/model/options';
import { noWarming } from '../../../simulator/strategies/none';
import { serverlessPluginWarmup } from '../../../simulator/strategies/serverless-plugin-warmup';
import { CONTROLLER_MEMORY_MB, type Planner, thermostat } from '../../../simulator/strategies/thermostat';
import { memoryTrace } from '../../../simulator/traces/memory';
import { FIXED, HOUR, MIN, oneFunction, policySet, run } from '../helpers';

const sparse = oneFunction(
  Array.from({ length: 9 }, (_, i) => MIN + i * 20 * MIN),
  100,
  3 * HOUR,
);
const warm = (n: number) => policySet(`defaults:\n  warm: { concurrency: ${n}, interval: 5m, holdMs: 100 }\n`);

describe('Thermostat strategy', () => {
  it('uses the planner module itself, not a copy', () => {
    expect(thermostat().planner).toBe(planner.plan);
  });

  it('calls the planner every tick and applies what it decides, with the planner’s reasons', () => {
    let calls = 0;
    const counting: Planner = (...args) => {
      calls++;
      return planner.plan(...args);
    };
    const strategy = thermostat({ planner: counting, keepDecisions: true, sleeps: false });
    const [result] = run(sparse, [strategy]);
    expect(calls).toBe(180);
    expect(result.facts.ticks).toBe(180);
    const pings = strategy.decisions.filter((d) => d.kind === 'ping');
    expect(pings).toHaveLength(36);
    // Reasons are the planner's own sentences.
    expect(pings[0].reason).toMatch(/^1 environment wanted; first ping/);
    expect(pings[1].reason).toMatch(/interval 5m elapsed/);
    expect(
      strategy.decisions.some((d) => d.kind === 'skip' && /last pinged 1m ago; interval is 5m/.test(d.reason)),
    ).toBe(true);
  });

  it('pauses its schedule while nothing is due: one tick per 5-minute interval, the same pings, cheaper', () => {
    const [awake, sleeping] = run(sparse, [thermostat({ sleeps: false }), thermostat()]);
    // each round proves its environment, so the tick that sent it pauses until the next is due
    expect(sleeping.facts.ticks).toBe(36);
    expect(sleeping.facts.pauses).toBe(36);
    expect(awake.facts.ticks).toBe(180);
    expect(sleeping.pings.sent).toBe(awake.pings.sent);
    expect(sleeping.coldStarts).toBe(awake.coldStarts);
    expect(sleeping.cost.controller).toBeLessThan(awake.cost.controller / 2);
    // Every 5 minutes the controller's environment outlives the pause (10-minute reclaim): one INIT, on the first tick.
    expect(sleeping.controller).toEqual({ invocations: 36, inits: 1 });
    expect(awake.controller).toEqual({ invocations: 180, inits: 1 });
  });

  it("bills the construct's controller memory; less memory halves the waiting, not the CPU-bound work", () => {
    expect(CONTROLLER_MEMORY_MB).toBe(ThermostatDefaults.memorySize);
    const [small, large] = run(sparse, [thermostat({ memoryMb: 256 }), thermostat({ memoryMb: 512 })]);
    expect(small.controller).toEqual(large.controller);
    expect(small.pings.sent).toBe(large.pings.sent);
    // Each tick waits for its round (10 ms each way) and its schedule update (40 ms): that half is saved at 256 MB;
    // the tick's own work (100 ms at 512 MB) takes twice as long at half the memory and costs the same.
    expect(small.cost.controller).toBeLessThan(large.cost.controller);
    expect(small.cost.controller).toBeGreaterThan(large.cost.controller / 2);
  });

  it('pays its own INIT after a pause longer than the idle reclaim (AWS bills it since August 2025)', () => {
    // A 30-minute interval: the controller pauses for 30 minutes, past the helpers' 10-minute reclaim.
    const sparser = policySet('defaults:\n  warm: { concurrency: 1, interval: 30m }\n');
    const [paused] = run(sparse, [thermostat()], {}, sparser);
    expect(paused.controller.invocations).toBeGreaterThan(1);
    expect(paused.controller.inits).toBe(paused.controller.invocations);
  });

  it('wakes for a busy function alone a few times a day, its traffic check put off; a tick that runs anyway checks it', () => {
    // 100 requests a minute for 12 hours, and (in the second account) a function called three times beside it
    const busy = Array.from({ length: (12 * HOUR) / 600 }, (_, i) => ({ fn: 0, t: 250 + i * 600, durationMs: 100 }));
    const account = (neighbour: boolean) =>
      memoryTrace({
        functions: [{ name: 'busy', memoryMb: 1024 }, ...(neighbour ? [{ name: 'sparse', memoryMb: 1024 }] : [])],
        arrivals: [...busy, ...(neighbour ? [2, 5, 7].map((h) => ({ fn: 1, t: h * HOUR, durationMs: 100 })) : [])],
        endMs: 12 * HOUR,
      });
    const auto = policySet('defaults:\n  mode: auto\n  objective: { warmRatio: 0.99 }\n  warm: { interval: 5m }\n');
    const busyPings = (neighbour: boolean) => {
      const times: number[] = [];
      const strategy = thermostat({
        planner: (policies, now, observed, options) => {
          const decisions = planner.plan(policies, now, observed, options);
          if (decisions.some((d) => d.key === 'busy:live' && d.kind === 'ping')) times.push(now.getTime());
          return decisions;
        },
      });
      const [none, result] = run(account(neighbour), [noWarming(), strategy], {}, auto);
      return { none, result, gaps: times.slice(1).map((t, i) => t - times[i]) };
    };
    const alone = busyPings(false);
    // a round, the round that sees the traffic, one in the next (cold) environment that saves what it heard, a probe
    // that confirms it: then nothing for a day (a stop would cost one cold start, against the 30 the objective allowed
    // the 3,000 requests it confirmed)
    expect(alone.result.controller.invocations).toBeLessThanOrEqual(5);
    expect(alone.result.coldStarts).toBeLessThanOrEqual(alone.none.coldStarts);
    const shared = busyPings(true);
    // the sparse function's rounds keep the controller awake: the busy one is probed on its horizon, never later
    expect(shared.result.controller.invocations).toBeGreaterThan(100);
    expect(Math.max(...shared.gaps.slice(2))).toBeLessThanOrEqual(planner.LONGEST_TRAFFIC_HORIZON_MS);
    expect(shared.gaps.length).toBeGreaterThan(5);
  });

  it('aligns rounds on their interval grid exactly when it may pause its schedule, as the controller does', () => {
    const seen: Array<boolean | undefined> = [];
    const recording = (sleeps: boolean) =>
      thermostat({
        sleeps,
        planner: (policies, now, observed, options) => {
          seen.push(options?.alignRounds);
          return planner.plan(policies, now, observed, options);
        },
      });
    run(sparse, [recording(true)]);
    expect(new Set(seen)).toEqual(new Set([true]));
    seen.length = 0;
    run(sparse, [recording(false)]);
    expect(new Set(seen)).toEqual(new Set([false]));
  });

  it('keeps one environment warm with a ping every 5 minutes', () => {
    const [none, thermo] = run(sparse, [noWarming(), thermostat()]);
    expect(none.coldStarts).toBe(9);
    expect(thermo.coldStarts).toBe(0);
    expect(thermo.pings.sent).toBe(36);
    expect(thermo.cost.controller).toBeGreaterThan(0);
    // Logs: each ping's lines in its target, and each tick's own lines with an entry for the target it pinged.
    const ticks = thermo.controller.invocations;
    const bytes = 36 * PING_LOG_BYTES + ticks * CONTROLLER_INVOCATION_LOG_BYTES + 36 * CONTROLLER_TARGET_LOG_BYTES;
    expect(thermo.cost.logs).toBeCloseTo(logIngestionUsd(bytes), 15);
  });

  it('proves 60 distinct environments where serverless-plugin-warmup stops at 50', () => {
    const [spw, thermo] = run(oneFunction([], 100, HOUR), [serverlessPluginWarmup(), thermostat()], {}, warm(60));
    expect(spw.facts.roundsReachingN).toBe(0);
    expect(thermo.facts.roundsReachingN).toBe(1);
    expect(thermo.facts.distinctPerWanted).toBe(1);
  });

  it("holds the pings of a tick's last rounds no longer than its first ones': the dispatch estimate does not drift", () => {
    // 100 functions pinged in pairs each round: 200 pings queue behind each other in one tick.
    const hours = (n: number) => {
      const trace = memoryTrace({
        functions: Array.from({ length: 100 }, (_, i) => ({ name: `f${i}`, memoryMb: 1024 })),
        arrivals: [],
        endMs: n * HOUR,
      });
      const [thermo] = run(trace, [thermostat()], {}, warm(2));
      expect(thermo.facts.distinctPerWanted).toBe(1);
      const { requestPerMillion, durationTiers } = PRICES.x86_64;
      const duration = thermo.cost.pings - (thermo.pings.sent * requestPerMillion) / 1e6;
      return { billedMs: (duration / durationTiers[0].perGbSecond) * 1000, sent: thermo.pings.sent };
    };
    const [first, second] = [hours(1), hours(2)];
    // The second hour's pings, all to warm environments: each held about its round's own overlap (a 10 ms hop, its
    // two sends), not the 60 ms more on average that a per-ping excess of half a millisecond, queued over the
    // tick's 200 pings, used to add.
    expect((second.billedMs - first.billedMs) / (second.sent - first.sent)).toBeLessThan(30);
  });

  it('writes provisioned concurrency when the policy says so, and pays for it', () => {
    const strategy = thermostat({ keepDecisions: true });
    const pc = policySet('defaults:\n  mode: provisioned\n  provisioned: { min: 2 }\n');
    const [result] = run(sparse, [strategy], {}, pc);
    const put = strategy.decisions.find((d) => d.kind === 'put-provisioned');
    expect(put).toMatchObject({ value: 2 });
    expect(put!.reason).toMatch(/provisioned.min is 2/);
    expect(result.provisioned.peak).toBe(2);
    expect(result.cost.provisioned).toBeGreaterThan(0);
    // The first request, a minute in, came before the 90-second allocation; the rest found provisioned environments.
    expect(result.coldStarts).toBe(1);
    expect(result.pings.sent).toBe(0);
  });

  it('registers a scalable target for the autoscaling strategy and lets target tracking run it', () => {
    const strategy = thermostat({ keepDecisions: true });
    const pc = policySet('defaults:\n  mode: provisioned\n  provisioned: { min: 1, max: 5, strategy: autoscaling }\n');
    const [result] = run(sparse, [strategy], {}, pc);
    expect(strategy.decisions.filter((d) => d.kind === 'register-scalable-target')).toHaveLength(1);
    expect(result.provisioned.peak).toBe(1);
  });

  it('keeps the environments bursts of parallel requests leave warm for the next burst, in auto mode', () => {
    // a fan-out: 4 parallel 3-second requests every 12 minutes for 3 hours (60 requests)
    const times = Array.from({ length: 15 }, (_, burst) => 2 * MIN + burst * 12 * MIN).flatMap((t) => [t, t, t, t]);
    const trace = oneFunction(times, 3_000, 3 * HOUR);
    const auto = policySet('defaults:\n  mode: auto\n  auto: { maxEnvironments: 5 }\n  warm: { interval: 5m }\n');
    const strategy = thermostat({ keepDecisions: true });
    const [thermostatRun] = run(trace, [strategy], {}, auto);
    const [oneWarm] = run(
      trace,
      [thermostat()],
      {},
      policySet('defaults:\n  warm: { concurrency: 1, interval: 5m }\n'),
    );
    // one environment kept warm: every burst after the first starts 3 cold
    expect(oneWarm.coldStarts).toBeGreaterThanOrEqual(3 * 15);
    // the first burst is cold; the rounds after the second find the environments it left and keep them
    expect(thermostatRun.coldStarts).toBeLessThanOrEqual(4 + 3 + 3);
    const reasons = strategy.decisions.filter((d) => d.kind === 'auto-choice').map((d) => d.reason);
    expect(reasons.some((reason) => /traffic outgrew the 1 environment/.test(reason))).toBe(true);
    expect(reasons.some((reason) => /a burst used 4 environments at once/.test(reason))).toBe(true);
    // looking goes up to the cap at most; what is kept afterwards is what the burst used
    const pings = strategy.decisions.filter((d) => d.kind === 'ping');
    expect(Math.max(...pings.map((d) => d.wanted))).toBe(5);
    expect(pings[pings.length - 1].wanted).toBe(4);
  });

  it('pre-warms an hourly timer from its third gap on, across its own restarts, instead of keeping it alive', () => {
    // one 200 ms request at 7 minutes past every hour for 12 hours; the controller's environments retire every 2–4 h
    const timer = (memoryMb: number) =>
      oneFunction(
        Array.from({ length: 12 }, (_, i) => 7 * MIN + i * HOUR),
        200,
        12 * HOUR,
        memoryMb,
      );
    const auto = policySet('defaults:\n  mode: auto\n  warm: { interval: 5m }\n');
    const strategy = thermostat({ keepDecisions: true });
    const [thermostatRun, plugin] = run(timer(128), [strategy, serverlessPluginWarmup()], {}, auto);
    // as warm as a 5-minute keep-alive (which never lets the one environment go)...
    expect(thermostatRun.coldStarts).toBeLessThanOrEqual(plugin.coldStarts);
    // ...with a ping a little before each request from the fourth on, not twelve an hour
    expect(thermostatRun.pings.sent).toBeLessThan(0.5 * plugin.pings.sent);
    const prewarms = strategy.decisions.filter((d) => d.kind === 'ping' && /pre-warm: /.test(d.reason));
    expect(prewarms.length).toBeGreaterThanOrEqual(6);
    expect(prewarms[0].reason).toMatch(/idle times are predictable .*3 seen/);
    // at 1 GB the INIT a pre-warm pays costs more than an hour of pings: kept alive, as the cost model says
    const large = thermostat({ keepDecisions: true });
    run(timer(1024), [large], {}, auto);
    expect(large.decisions.some((d) => d.kind === 'ping' && /pre-warm/.test(d.reason))).toBe(false);
  });

  it('buys provisioned concurrency for a steady load, not for bursts of long requests whose mean looks the same', () => {
    const auto = policySet('defaults:\n  mode: auto\n  provisioned: { max: 10 }\n  auto: { maxEnvironments: 5 }\n');
    // 16 three-minute requests at once every 15 minutes for 6 hours: a mean of 3.2 concurrent in every read, as the
    // steady load below shows, but each environment busy a fifth of the time
    const bursts = Array.from({ length: 24 }, (_, i) => 3 * MIN + i * 15 * MIN).flatMap((t) => Array(16).fill(t));
    const [bursty] = run(oneFunction(bursts, 3 * MIN, 6 * HOUR, 512), [thermostat()], {}, auto);
    expect(bursty.cost.provisioned).toBe(0);
    // two 48-second requests every 30 seconds, all day: a mean of 3.2, the first units busy all the time
    const steady = Array.from({ length: 6 * 120 }, (_, i) => MIN + i * 30_000).flatMap((t) => [t, t + 1_000]);
    const [busy] = run(oneFunction(steady, 48_000, 6 * HOUR, 512), [thermostat()], {}, auto);
    expect(busy.cost.provisioned).toBeGreaterThan(0);
  });

  it('keeps pinging a function whose requests come in bursts with idle minutes between them', () => {
    // 12 requests two seconds apart every 12 minutes for 3 hours: over a request a minute, and 11 idle minutes each
    // time; with a 10-minute reclaim, only the rounds between bursts keep its environment alive
    const times = Array.from({ length: 15 }, (_, burst) => 2 * MIN + burst * 12 * MIN).flatMap((t) =>
      Array.from({ length: 12 }, (_, i) => t + i * 2_000),
    );
    const trace = oneFunction(times, 100, 3 * HOUR);
    const strategy = thermostat({ keepDecisions: true });
    const [thermostatRun, plugin] = run(trace, [strategy, serverlessPluginWarmup()], {}, warm(1));
    // pinged before its first request, every burst finds the environment warm
    expect(plugin.coldStarts).toBe(0);
    expect(thermostatRun.coldStarts).toBe(0);
    const skipped = strategy.decisions.filter((d) => d.kind === 'skip' && d.cause === 'kept-warm-by-traffic');
    expect(skipped).toEqual([]);
  });

  it('lets auto mode choose with the cost model', () => {
    const strategy = thermostat({ keepDecisions: true });
    const auto = policySet(
      'defaults:\n  mode: auto\n  provisioned: { max: 4 }\n  auto: { expectedUtilization: 0.9, maxEnvironments: 4 }\n',
    );
    run(sparse, [strategy], {}, auto);
    const choice = strategy.decisions.find((d) => d.kind === 'auto-choice');
    // The cost model's sentence, with hourly prices of both alternatives, not a fallback rule.
    expect(choice!.reason).toMatch(/provisioned units? .*\/h net vs .*\/h with pings only/);
    expect(strategy.decisions.some((d) => d.kind === 'put-provisioned')).toBe(true);
  });

  it('above one shard of targets, reads and plans a target only when its quiet time ends: the same pings, a smaller state bill', () => {
    // 300 functions (two shards), each called every 20 minutes from its own minute: warmed every 5 minutes.
    const functions = Array.from({ length: 300 }, (_, i) => ({ name: `f${i}`, memoryMb: 512 }));
    const arrivals = functions.flatMap((_, fn) =>
      Array.from({ length: 6 }, (_, k) => ({ fn, t: ((fn % 20) + 1) * MIN + k * 20 * MIN, durationMs: 100 })),
    );
    const trace = memoryTrace({ functions, arrivals, endMs: 2 * HOUR });
    const [every, quiet] = run(trace, [thermostat({ spares: false }), thermostat()], FIXED, warm(1));
    expect(every.facts.spared).toBe(0);
    // Most target-ticks are spared: a 5-minute round over one-minute ticks leaves four of five quiet.
    expect(quiet.facts.spared).toBeGreaterThan(0.6 * 300 * 120);
    expect(quiet.facts['decisions.ping']).toBe(every.facts['decisions.ping']);
    expect(quiet.coldStarts).toBe(every.coldStarts);
    expect(quiet.cost.pings).toBeCloseTo(every.cost.pings, 10);
    expect(quiet.cost.state).toBeLessThan(0.6 * every.cost.state);
    expect(quiet.cost.controller).toBeLessThan(every.cost.controller);
  });
});
