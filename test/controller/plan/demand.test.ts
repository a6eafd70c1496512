import fc from 'fast-check';
import {
  coldShare,
  EMPTY_TRAFFIC,
  environmentsFor,
  environmentsNeeded,
  expectedLongestGap,
  idlePredictionChanged,
  isRegular,
  planAuto,
  planPings,
  predictsIdle,
  recordSightings,
  type Sighting,
  type TrafficHistory,
} from '../../../controller/plan';
import { DEMAND_SETTINGS, MINUTE, T0 } from '../../fixtures/controller/demand';
import { effective } from '../../fixtures/controller/effective';

const settings = DEMAND_SETTINGS;

/** A random source with a fixed seed, so the synthetic patterns are the same every run. */
function seeded(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * Replays arrivals (epoch ms) against one environment pinged every interval, the way the controller would see it:
 * at each ping, the environment's proof (real requests served, last one, handler time and, unless `gaps` is false,
 * as from a helper older than them, its longest and shortest idle gap). `durationMs` may vary per request.
 */
function observe(
  arrivals: readonly number[],
  durationMs: number | ((index: number) => number),
  until: number,
  gaps = true,
): TrafficHistory {
  const duration = typeof durationMs === 'number' ? () => durationMs : durationMs;
  let history = EMPTY_TRAFFIC;
  let served = 0;
  let busy = 0;
  let last: number | null = null;
  let endedAt: number | null = null;
  let longest: number | undefined;
  let shortest: number | undefined;
  let next = 0;
  for (let at = T0 + 5 * MINUTE; at <= until; at += 5 * MINUTE) {
    while (next < arrivals.length && arrivals[next] <= at) {
      const start = Math.max(arrivals[next], endedAt ?? 0);
      if (endedAt !== null) {
        longest = Math.max(longest ?? 0, start - endedAt);
        shortest = Math.min(shortest ?? Number.POSITIVE_INFINITY, start - endedAt);
      }
      const d = duration(next);
      served++;
      busy += d;
      endedAt = start + d;
      last = arrivals[next++];
    }
    const sighting: Sighting = {
      envId: 'env-1',
      initAt: T0,
      realServed: served,
      realBusyMs: busy,
      lastRealAt: last,
      ...(gaps && longest !== undefined && shortest !== undefined
        ? { longestIdleMs: longest, shortestIdleMs: shortest }
        : {}),
    };
    history = recordSightings(history, at, [sighting]);
  }
  return history;
}

describe('the demand model on synthetic traffic with known answers', () => {
  it('steady traffic keeps its environment warm: no pings', () => {
    const arrivals = Array.from({ length: 6 * 60 * 10 }, (_, i) => T0 + i * 6_000); // 10 a minute for 6 h
    const now = T0 + 6 * 3_600_000;
    const plan = planPings(observe(arrivals, 50, now), 1, now, settings);
    expect(plan.kind).toBe('kept-warm-by-traffic');
  });

  it('a sparse periodic function is pre-warmed shortly before its next request, not kept alive', () => {
    const arrivals = Array.from({ length: 12 }, (_, i) => T0 + (i + 1) * 60 * MINUTE); // hourly for 12 h
    const history = observe(arrivals, 200, T0 + 12 * 60 * MINUTE + 2 * MINUTE);
    const lastReal = history.lastRealAt!;
    expect(lastReal).toBe(arrivals[arrivals.length - 1]);
    const soon = planPings(history, 1, lastReal + 20 * MINUTE, settings);
    expect(soon.kind).toBe('pre-warm');
    if (soon.kind !== 'pre-warm') return;
    // Before the next request (an hour after the last), but not much before.
    expect(soon.at).toBeLessThan(lastReal + 60 * MINUTE);
    expect(soon.at).toBeGreaterThan(lastReal + 50 * MINUTE);
    expect(soon.until).toBeGreaterThanOrEqual(lastReal + 60 * MINUTE);
  });

  it('an hourly timer is pre-warmed after three regular gaps; three irregular ones wait for the full histogram', () => {
    const hourly = (count: number, jitter: (i: number) => number = () => 0) =>
      Array.from({ length: count }, (_, i) => T0 + 7 * MINUTE + i * 60 * MINUTE + jitter(i));
    const planAfter = (arrivals: readonly number[]) => {
      const history = observe(arrivals, 200, arrivals[arrivals.length - 1] + 3 * MINUTE);
      return { history, plan: planPings(history, 1, history.lastRealAt! + 20 * MINUTE, settings) };
    };
    // two gaps say nothing yet; the third, within 10% of the others, reads as a timer
    expect(predictsIdle(planAfter(hourly(3)).history.idleTimes)).toBe(false);
    expect(planAfter(hourly(3)).plan.kind).toBe('keep-alive');
    const { history, plan } = planAfter(hourly(4, (i) => [0, 40_000, -30_000, 20_000][i]));
    expect(history.idleTimes).toHaveLength(3);
    expect(plan.kind).toBe('pre-warm');
    if (plan.kind === 'pre-warm') {
      expect(plan.at).toBeGreaterThan(history.lastRealAt! + 45 * MINUTE);
      expect(plan.at).toBeLessThan(history.lastRealAt! + 59 * MINUTE);
    }
    // gaps of 40, 60 and 80 minutes are no timer: kept alive until MIN_IDLE_SAMPLES of them make a histogram
    const uneven = [0, 40, 100, 180].map((m) => T0 + 7 * MINUTE + m * MINUTE);
    expect(planAfter(uneven).plan.kind).toBe('keep-alive');
    // hourly with up to 7 minutes' jitter is no timer either (gaps 53–67 minutes), but 8 gaps are a histogram
    const jitter = [0, 5, -3, 4, -4, 2, 0, -2, 3];
    const late = planAfter(hourly(4, (i) => jitter[i] * MINUTE));
    expect(predictsIdle(late.history.idleTimes)).toBe(false);
    expect(late.plan.kind).toBe('keep-alive');
    expect(planAfter(hourly(9, (i) => jitter[i] * MINUTE)).plan.kind).toBe('pre-warm');
  });

  it('tells a save when idle times come to predict the next request, only where that changes the pings', () => {
    const gaps = (minutes: readonly number[]) => minutes.map((m) => m * MINUTE);
    const interval = 5 * MINUTE;
    // a half-hourly timer's third gap: from keeping alive to pre-warming
    expect(idlePredictionChanged(gaps([30, 30, 30]), false, interval)).toBe(true);
    expect(idlePredictionChanged(gaps([30, 30, 30]), true, interval)).toBe(false);
    expect(idlePredictionChanged(gaps([30, 30]), false, interval)).toBe(false);
    // a timer every 8 minutes is kept alive either way (no pre-warm saves a round): no save for it
    expect(predictsIdle(gaps([8, 8, 8]))).toBe(true);
    expect(idlePredictionChanged(gaps([8, 8, 8]), false, interval)).toBe(false);
    // the pattern broke: back to keeping alive
    expect(idlePredictionChanged(gaps([30, 30, 30, 95]), true, interval)).toBe(true);
  });

  it('a function on a 3-minute timer keeps its environment warm by itself: no pings, though its rate would not say so', () => {
    const arrivals = Array.from({ length: 40 }, (_, i) => T0 + 20 + i * 3 * MINUTE); // 0.33 a minute
    const now = T0 + 120 * MINUTE;
    const plan = planPings(observe(arrivals, 150, now), 1, now, settings);
    expect(plan).toMatchObject({ kind: 'kept-warm-by-traffic' });
    expect(plan.why).toMatch(/periodic, idle gaps 180 s–180 s over 3\d/);
    // a helper older than the gap fields: the rate alone (a 5-minute gap has probability e^-1.7) keeps pinging
    expect(planPings(observe(arrivals, 150, now, false), 1, now, settings).kind).toBe('keep-alive');
    // the window has the slack of the planner's own rounds (30 s on 5 minutes): a timer every 5 min 10 s fits it,
    // one every 5 min 40 s does not, and is pinged: its environment may be gone by its next request
    const timer = (periodMs: number) => {
      const arrivals = Array.from({ length: 30 }, (_, i) => T0 + 20 + i * periodMs);
      const now = Math.ceil((arrivals[29] - T0) / (5 * MINUTE)) * 5 * MINUTE + T0;
      const history = observe(arrivals, 150, now);
      expect(now - history.lastRealAt!).toBeLessThan(5 * MINUTE);
      return planPings(history, 1, now, settings).kind;
    };
    expect(timer(310_150)).toBe('kept-warm-by-traffic');
    expect(timer(340_150)).toBe('keep-alive');
  });

  it('random traffic is trusted to keep its environment warm only with its gaps well inside the window', () => {
    const random = seeded(11);
    const poisson = (perMinute: number) => {
      const arrivals: number[] = [];
      for (let at = T0; at < T0 + 4 * 3_600_000; ) {
        at += (-Math.log(1 - random()) * MINUTE) / perMinute;
        arrivals.push(at);
      }
      return arrivals;
    };
    const now = T0 + 4 * 3_600_000;
    // one every 2 minutes: a 5-minute gap comes every few hours, and the gaps seen so far reach beyond it
    const sparse = observe(poisson(0.5), 100, now);
    expect(planPings(sparse, 1, now, settings).kind).toBe('keep-alive');
    // two a minute: its longest gap plus its spread stays inside the window
    const busy = observe(poisson(2), 100, now);
    expect(planPings(busy, 1, now, settings).kind).toBe('kept-warm-by-traffic');
  });

  it("a timer's requests never overlap: one environment where Erlang's formula would want more", () => {
    // every 5 minutes, a minute long: a load of 0.2, which random arrivals would answer with 3 environments
    const arrivals = Array.from({ length: 30 }, (_, i) => T0 + 20 + i * 5 * MINUTE);
    const timer = observe(arrivals, 60_000, T0 + 150 * MINUTE);
    expect(environmentsFor(timer.load!, 0.99, 10)).toBeGreaterThan(1);
    const one = environmentsNeeded(timer, 0.99, 10);
    expect(one).toMatchObject({ environments: 1 });
    expect(one.why).toMatch(/requests arrive on a timer/);
    // the same timer with requests of 40 s to 90 s: the gaps vary, so random arrivals are assumed
    const varied = observe(arrivals, (i) => 40_000 + ((i * 37) % 6) * 10_000, T0 + 150 * MINUTE);
    expect(environmentsNeeded(varied, 0.99, 10).environments).toBe(environmentsFor(varied.load!, 0.99, 10));
  });

  it('gap evidence: a timer after three gaps, anything else after eight, with room for what it has not shown', () => {
    expect(isRegular({ count: 3, longestMs: 180_000, shortestMs: 175_000 })).toBe(true);
    expect(isRegular({ count: 2, longestMs: 180_000, shortestMs: 180_000 })).toBe(false);
    expect(isRegular({ count: 9, longestMs: 180_000, shortestMs: 120_000 })).toBe(false);
    expect(expectedLongestGap({ count: 3, longestMs: 180_000, shortestMs: 175_000 })).toBe(180_000);
    expect(expectedLongestGap({ count: 7, longestMs: 100_000, shortestMs: 0 })).toBeUndefined();
    expect(expectedLongestGap({ count: 8, longestMs: 100_000, shortestMs: 0 })).toBe(200_000);
    expect(expectedLongestGap({ count: 8, longestMs: 100_000, shortestMs: 40_000 })).toBe(160_000);
  });

  it('a sparse random function is kept alive: its idle times are not predictable', () => {
    const random = seeded(7);
    const arrivals: number[] = [];
    for (let at = T0; at < T0 + 24 * 3_600_000; ) {
      at += -Math.log(1 - random()) * 30 * MINUTE; // Poisson, one every 30 minutes on average
      arrivals.push(at);
    }
    const now = T0 + 24 * 3_600_000;
    expect(planPings(observe(arrivals, 100, now), 1, now, settings).kind).toBe('keep-alive');
  });

  it('a load the proofs measured from a few long requests adds no environment; enough requests do', () => {
    // two 2-minute requests on a young environment: a busy share that Erlang would answer with 2 or 3 environments
    const thin = observe([T0 + 6 * MINUTE, T0 + 13 * MINUTE], 120_000, T0 + 15 * MINUTE);
    expect(thin.load).toBeGreaterThan(0.05);
    expect(environmentsFor(thin.load!, 0.99, 10)).toBeGreaterThan(1);
    const few = environmentsNeeded(thin, 0.99, 10);
    expect(few.environments).toBe(1);
    expect(few.why).toMatch(/load from 2 requests is no forecast \(8 needed\)/);
    // the same busy share over many requests is a forecast (arrivals off any timer: see the timer's case below)
    const random = seeded(3);
    const arrivals = Array.from({ length: 40 }, (_, i) => T0 + 6 * MINUTE + i * 3 * MINUTE + random() * 2 * MINUTE);
    const many = observe(arrivals, 40_000, T0 + 130 * MINUTE);
    expect(environmentsNeeded(many, 0.99, 10).environments).toBe(environmentsFor(many.load!, 0.99, 10));
    expect(environmentsNeeded(many, 0.99, 10).environments).toBeGreaterThan(1);
    // a load read from minute statistics is trusted however few requests the proofs saw
    expect(environmentsNeeded({ ...thin, loadSource: 'metrics' }, 0.99, 10, 'metrics').environments).toBe(
      environmentsFor(thin.load!, 0.99, 10),
    );
  });

  it('bursty traffic needs several environments, more the busier it is', () => {
    const quiet: TrafficHistory = { ...EMPTY_TRAFFIC, at: T0, load: 0.005, loadSource: 'metrics' };
    const bursty: TrafficHistory = { ...quiet, load: 2.5 };
    expect(environmentsNeeded(quiet, 0.99, 10).environments).toBe(1);
    const many = environmentsNeeded(bursty, 0.99, 10).environments;
    expect(many).toBeGreaterThanOrEqual(6);
    expect(coldShare(many, 2.5)).toBeLessThanOrEqual(0.01);
    expect(coldShare(many - 1, 2.5)).toBeGreaterThan(0.01);
  });

  it('follows a diurnal load: more environments by day than by night', () => {
    const day: TrafficHistory = { ...EMPTY_TRAFFIC, at: T0, load: 1.5, loadSource: 'metrics' };
    const night: TrafficHistory = { ...day, load: 0.1 };
    expect(environmentsNeeded(day, 0.99, 10).environments).toBeGreaterThan(
      environmentsNeeded(night, 0.99, 10).environments,
    );
  });
});

/** Auto mode planned on a load two reads of minute statistics measured (600 requests a minute), under these caps. */
function autoAtLoad(
  load: number,
  caps: { maxEnvironments: number; pcMax: number; warmRatio: number; provisionedPossible: boolean },
) {
  const policy = effective({
    mode: 'auto',
    provisioned: { max: caps.pcMax },
    auto: { maxEnvironments: caps.maxEnvironments },
    objective: { warmRatio: caps.warmRatio },
  });
  const traffic: TrafficHistory = {
    ...EMPTY_TRAFFIC,
    at: T0,
    load,
    loadSource: 'metrics',
    metricsAt: T0,
    metricsRate: 600,
  };
  return planAuto({ policy, obs: { traffic }, provisionedPossible: caps.provisionedPossible });
}

describe('properties', () => {
  it('N never falls as the objective rises, and never exceeds its cap', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 50, noNaN: true }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (load, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const max = 100;
          const n1 = environmentsFor(load, low, max);
          const n2 = environmentsFor(load, high, max);
          return n1 <= n2 && n2 <= max && n1 >= 1;
        },
      ),
    );
  });

  it('auto mode never plans more environments or units than its caps', () => {
    fc.assert(
      fc.property(
        fc.double({ min: 0, max: 40, noNaN: true }),
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 0, max: 20 }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (load, maxEnvironments, pcMax, warmRatio) => {
          const plan = autoAtLoad(load, { maxEnvironments, pcMax, warmRatio, provisionedPossible: true });
          return (
            plan.environments <= maxEnvironments &&
            plan.provisioned <= Math.min(pcMax, plan.environments) &&
            plan.environments >= 1
          );
        },
      ),
    );
  });
});

describe("auto mode's forecast", () => {
  it('is given only where the objective is within reach of maxEnvironments, and then meets it', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.constant(0), fc.double({ min: 0.001, max: 40, noNaN: true })),
        fc.integer({ min: 1, max: 20 }),
        fc.double({ min: 0.5, max: 0.9999, noNaN: true }),
        (load, maxEnvironments, warmRatio) => {
          const plan = autoAtLoad(load, { maxEnvironments, pcMax: 0, warmRatio, provisionedPossible: false });
          const reachable = load > 0 && coldShare(maxEnvironments, load) <= 1 - warmRatio;
          if (plan.forecast === undefined) return !reachable;
          return (
            reachable &&
            plan.forecast.coldShare === coldShare(plan.environments, load) &&
            plan.forecast.coldShare <= 1 - warmRatio &&
            Math.abs((plan.forecast.requestsPerMinute ?? 0) - 600) < 1e-6
          );
        },
      ),
    );
  });
});
