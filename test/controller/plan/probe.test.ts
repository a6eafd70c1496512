import {
  checkPutOff,
  EMPTY_TRAFFIC,
  LONGEST_TRAFFIC_HORIZON_MS,
  LONGEST_TRUST_MS,
  MAX_TRAFFIC_HORIZON_MS,
  MISSED_STOP_SHARE,
  planPings,
  recordLatency,
  recordProbe,
  recordSightings,
  type Sighting,
  type TrafficHistory,
} from '../../../controller/plan';
import { DEMAND_SETTINGS, MINUTE, T0 } from '../../fixtures/controller/demand';

const settings = DEMAND_SETTINGS;

/** Two environments an hour old, one serving 600 requests a minute, the other 30, the last a second ago. */
function busyRound(at: number): TrafficHistory {
  const env = (envId: string, perMinute: number): Sighting => ({
    envId,
    initAt: at - 60 * MINUTE,
    realServed: perMinute * 60,
    realBusyMs: perMinute * 60 * 5,
    lastRealAt: at - 1_000,
  });
  return recordSightings(EMPTY_TRAFFIC, at, [env('busy', 600), env('quiet', 30)]);
}

/** What one unheld ping to `envId` sees `minutes` after the round, at `perMinute` since then. */
function probeOf(round: TrafficHistory, envId: string, minutes: number, perMinute: number, idleMs = 1_000) {
  const before = round.environments.find((env) => env.envId === envId)!;
  const at = round.at + minutes * MINUTE;
  const sighting: Sighting = {
    envId,
    initAt: round.at - 60 * MINUTE,
    realServed: before.realServed + perMinute * minutes,
    lastRealAt: at - idleMs,
  };
  return recordProbe(round, at, [sighting]);
}

describe('what counts as kept warm by traffic', () => {
  const young = (served: number, ageMinutes: number): TrafficHistory =>
    recordSightings(EMPTY_TRAFFIC, T0, [
      { envId: 'e', initAt: T0 - ageMinutes * MINUTE, realServed: served, lastRealAt: T0 - 1_000 },
    ]);

  it('not a young environment whose first requests read as a high rate', () => {
    // one request in its first 20 seconds: "1 per minute", which would make a 5-minute gap look unlikely
    const first = young(1, 0.3);
    expect(first.environments[0].ratePerMinute).toBe(1);
    expect(planPings(first, 1, T0 + MINUTE, settings).kind).toBe('keep-alive');
    // the same rate over a whole window is evidence enough
    expect(planPings(young(5, 5), 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });

  /** One environment `ageMinutes` old that served `served` requests, the last `idleMs` before the round. */
  const seen = (served: number, ageMinutes: number, idleMs: number, gaps?: { longest: number; shortest: number }) =>
    recordSightings(EMPTY_TRAFFIC, T0, [
      {
        envId: 'e',
        initAt: T0 - ageMinutes * MINUTE,
        realServed: served,
        lastRealAt: T0 - idleMs,
        ...(gaps ? { longestIdleMs: gaps.longest, shortestIdleMs: gaps.shortest } : {}),
      },
    ]);

  it('not a young environment whose requests came in one burst, however many', () => {
    // 30 requests a second apart on an environment a minute old: nothing yet about the minutes after the burst
    const burst = seen(30, 1, 2_000, { longest: 1_500, shortest: 200 });
    expect(planPings(burst, 1, T0 + MINUTE, settings).kind).toBe('keep-alive');
    // the same environment once it has lived through a window of such traffic
    const steady = seen(300, 10, 2_000, { longest: 4_000, shortest: 200 });
    expect(planPings(steady, 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });

  it('not an environment its rate calls busy that has been idle for minutes since its last request', () => {
    // bursts every ten minutes: 1.5 requests a minute over its life, but 4 minutes without one now
    const bursty = seen(30, 20, 4 * MINUTE);
    expect(bursty.environments[0].ratePerMinute).toBeCloseTo(1.5, 5);
    expect(planPings(bursty, 1, T0 + MINUTE, settings).kind).toBe('keep-alive');
    // at that rate, 20 seconds of quiet is unremarkable
    expect(planPings(seen(30, 20, 20_000), 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });

  it('by the idle time in progress, not by a dip long ago that pings kept the environment through', () => {
    // 2,000 a minute now; once, an hour ago, 14 minutes without a request while pings kept it alive
    const busy = seen(2_000 * 20, 20, 3_000, { longest: 14 * MINUTE, shortest: 1 });
    expect(planPings(busy, 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    // a busy environment's few seconds of quiet (a held ping kept it) do not count against its rate either
    expect(planPings(seen(2_000 * 20, 20, 3_000), 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    // but two minutes of quiet at that rate: the traffic stopped
    expect(planPings(seen(2_000 * 20, 20, 2 * MINUTE), 1, T0 + MINUTE, settings).kind).toBe('keep-alive');
  });

  it('not an environment serving a few requests a window that once sat idle longer than its rate allows', () => {
    // 2 a minute over its life, right after a burst, yet once 9 minutes between two requests: bursts, not a rate
    const gappy = seen(40, 20, 5_000, { longest: 9 * MINUTE, shortest: 100 });
    expect(planPings(gappy, 1, T0 + MINUTE, settings).kind).toBe('keep-alive');
    // the same rate whose longest gap was a minute and a half
    const steady = seen(40, 20, 5_000, { longest: 90_000, shortest: 100 });
    expect(planPings(steady, 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });
});

describe('environments beyond the first, which live on the overflow of the busiest', () => {
  const round = (perMinute: number) =>
    recordSightings(
      EMPTY_TRAFFIC,
      T0,
      ['a', 'b'].map((envId) => ({
        envId,
        initAt: T0 - 60 * MINUTE,
        realServed: perMinute * 60,
        lastRealAt: T0 - 1_000,
      })),
    );

  it('are kept warm by traffic only when it would keep them warm through a dip to a quarter', () => {
    // six a minute keeps one environment warm, but the second's share swings with the traffic's square
    expect(planPings(round(6), 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    expect(planPings(round(6), 2, T0 + MINUTE, settings).kind).toBe('keep-alive');
    expect(planPings(round(2_000), 2, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });

  it('are judged by the lower of their rate over their life and since the last round', () => {
    // busy in a burst an hour ago, nothing since the last round five minutes ago
    const burst = recordSightings(round(2_000), T0 + 5 * MINUTE, [
      { envId: 'a', initAt: T0 - 60 * MINUTE, realServed: 2_000 * 60 + 10_000, lastRealAt: T0 + 5 * MINUTE - 500 },
      { envId: 'b', initAt: T0 - 60 * MINUTE, realServed: 2_000 * 60, lastRealAt: T0 - 1_000 },
    ]);
    expect(burst.environments.find((env) => env.envId === 'b')?.ratePerMinute).toBe(0);
    expect(burst.environments.find((env) => env.envId === 'a')?.ratePerMinute).toBeCloseTo(2_000, 0);
    expect(planPings(burst, 2, T0 + 6 * MINUTE, settings).kind).toBe('keep-alive');
  });
});

describe('traffic probes for functions whose own traffic keeps them warm', () => {
  const round = busyRound(T0);

  it('skips pings until the horizon, then asks for one unheld ping instead of a full round', () => {
    expect(planPings(round, 2, T0 + 10 * MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    const due = planPings(round, 2, T0 + MAX_TRAFFIC_HORIZON_MS, settings);
    expect(due.kind).toBe('probe');
    expect(due.why).toMatch(/one unheld ping/);
  });

  it('a probe that finds the traffic still there extends the horizon from the probe', () => {
    const probed = probeOf(round, 'busy', 30, 550);
    // the full round's view is kept: the probe saw one environment
    expect(probed.environments).toEqual(round.environments);
    expect(probed.at).toBe(round.at);
    expect(probed.probe).toMatchObject({ at: T0 + 30 * MINUTE, ratePerMinute: 550 });
    const later = planPings(probed, 2, T0 + 40 * MINUTE, settings);
    expect(later).toMatchObject({ kind: 'kept-warm-by-traffic', until: T0 + 30 * MINUTE + MAX_TRAFFIC_HORIZON_MS });
    expect(later.why).toMatch(/confirmed by a probe/);
    expect(planPings(probed, 2, T0 + 60 * MINUTE, settings).kind).toBe('probe');
  });

  it('each confirming probe trusts the traffic for as long again as it has held, up to two hours; a fall starts over', () => {
    // probes as the planner asks for them, each finding the busiest environment at 550 a minute
    let history = round;
    const checks: number[] = [];
    let at = T0;
    for (let i = 0; i < 6; i++) {
      const plan = planPings(history, 2, at + MINUTE, settings);
      expect(plan.kind).toBe('kept-warm-by-traffic');
      const until = (plan as { until: number }).until;
      expect(planPings(history, 2, until, settings).kind).toBe('probe');
      checks.push((until - at) / MINUTE);
      at = until;
      history = probeOf(round, 'busy', (at - T0) / MINUTE, 550);
    }
    // 30 minutes after the round, then as long as confirmed since it: 30, 60, 120, and never more
    expect(checks).toEqual([30, 30, 60, 120, LONGEST_TRAFFIC_HORIZON_MS / MINUTE, LONGEST_TRAFFIC_HORIZON_MS / MINUTE]);
    expect(LONGEST_TRAFFIC_HORIZON_MS).toBe(120 * MINUTE);
    // a probe that finds the traffic fallen brings a full round, whose own horizon is the first one again
    const fallen = probeOf(round, 'busy', (at - T0) / MINUTE, 100);
    expect(planPings(fallen, 2, at + MINUTE, settings).kind).toBe('keep-alive');
    const again = busyRound(at + MINUTE);
    expect(planPings(again, 2, at + 2 * MINUTE, settings)).toMatchObject({
      kind: 'kept-warm-by-traffic',
      until: at + MINUTE + MAX_TRAFFIC_HORIZON_MS,
    });
  });

  it('puts the check of a busy function off to a day while nothing else wakes the controller, not a moderate one', () => {
    // 550 a minute for the 30 minutes since the round: 16,500 requests, 165 cold starts allowed at 0.99
    const busy = planPings(probeOf(round, 'busy', 30, 550), 2, T0 + 40 * MINUTE, settings);
    expect(busy).toMatchObject({
      kind: 'kept-warm-by-traffic',
      until: T0 + 30 * MINUTE + MAX_TRAFFIC_HORIZON_MS,
      latest: T0 + 30 * MINUTE + LONGEST_TRUST_MS,
    });
    expect(busy.why).toMatch(
      /if nothing else wakes the controller \(a stop unnoticed until then would cost at most 2 cold starts, under 10% of the 165 the objective allowed the 16500 requests/,
    );
    // the full round's own horizon puts nothing off: no traffic has been trusted yet
    expect(planPings(round, 2, T0 + MINUTE, settings)).not.toHaveProperty('latest');
    // one environment at 3 a minute keeps itself warm (a 5-minute gap: 3e-7), but a stop that goes unnoticed would
    // cost its one cold start against 0.9 allowed over the 30 minutes: its check wakes the controller
    const moderate = recordSightings(EMPTY_TRAFFIC, T0, [
      { envId: 'm', initAt: T0 - 60 * MINUTE, realServed: 180, lastRealAt: T0 - 10_000 },
    ]);
    const probed = recordProbe(moderate, T0 + 30 * MINUTE, [
      { envId: 'm', initAt: T0 - 60 * MINUTE, realServed: 270, lastRealAt: T0 + 30 * MINUTE - 10_000 },
    ]);
    const plan = planPings(probed, 1, T0 + 31 * MINUTE, settings);
    expect(plan).toMatchObject({ kind: 'kept-warm-by-traffic', until: T0 + 60 * MINUTE });
    expect(plan).not.toHaveProperty('latest');
    // a check put off is still a check: at its horizon a tick that runs anyway probes
    expect(planPings(probeOf(round, 'busy', 30, 550), 2, T0 + 60 * MINUTE, settings).kind).toBe('probe');
  });

  it('puts a check off only where a missed stop costs a small share of what the objective allows', () => {
    const hours = [0, 0.25, 0.5, 2, 8];
    const rates = [0.5, 3, 30, 300, 3_000];
    const ratios = [0.9, 0.99, 0.999, 0.9999];
    for (const wanted of [1, 2, 5]) {
      for (const rate of rates) {
        for (const h of hours) {
          let before = true;
          for (const warmRatio of ratios) {
            const putOff = checkPutOff(wanted, rate, T0, T0 + h * 60 * MINUTE, { ...settings, warmRatio });
            const allowed = (1 - warmRatio) * rate * h * 60;
            expect(putOff !== undefined).toBe(wanted <= MISSED_STOP_SHARE * allowed);
            // a stricter objective never puts off what a looser one would not
            if (putOff) expect(before).toBe(true);
            before = putOff !== undefined;
            if (putOff) expect(putOff.until).toBe(T0 + h * 60 * MINUTE + LONGEST_TRUST_MS);
          }
        }
      }
    }
  });

  it('measures a probe from the probe before on the same environment, so hours of trust do not hide a fall', () => {
    const first = probeOf(round, 'busy', 30, 600);
    expect(first.probe).toMatchObject({ envId: 'busy', ratePerMinute: 600 });
    const busy = round.environments.find((env) => env.envId === 'busy')!;
    const at = T0 + 60 * MINUTE;
    // 100 a minute over the last 30 minutes: since the round it still reads 350, above half the 600 it had
    const sighting: Sighting = {
      envId: 'busy',
      initAt: T0 - 60 * MINUTE,
      realServed: busy.realServed + 600 * 30 + 100 * 30,
      lastRealAt: at - 1_000,
    };
    const second = recordProbe(first, at, [sighting]);
    expect(second.probe).toMatchObject({ ratePerMinute: 100, overMs: 30 * MINUTE });
    expect(planPings(second, 2, at + MINUTE, settings).kind).toBe('keep-alive');
    // a probe that lands on another environment is measured as before: from the round, or over its life
    const other = recordProbe(first, at, [{ ...sighting, envId: 'quiet', realServed: 30 * 60 + 30 * 60 }]);
    expect(other.probe).toMatchObject({ envId: 'quiet', ratePerMinute: 30, overMs: 60 * MINUTE });
  });

  it('a probe that finds traffic fallen by half or more, or its environment idle, brings back a full round', () => {
    expect(planPings(probeOf(round, 'busy', 30, 250), 2, T0 + 31 * MINUTE, settings).kind).toBe('keep-alive');
    expect(planPings(probeOf(round, 'busy', 30, 550, 6 * MINUTE), 2, T0 + 31 * MINUTE, settings).kind).toBe(
      'keep-alive',
    );
    // idle two minutes, inside the window, but at 550 a minute that quiet says the traffic stopped
    expect(planPings(probeOf(round, 'busy', 30, 550, 2 * MINUTE), 2, T0 + 31 * MINUTE, settings).kind).toBe(
      'keep-alive',
    );
    expect(planPings(probeOf(round, 'busy', 30, 550, 2_000), 2, T0 + 31 * MINUTE, settings).kind).toBe(
      'kept-warm-by-traffic',
    );
  });

  it('judges an environment the round did not see by its whole life', () => {
    const at = T0 + 30 * MINUTE;
    const fresh = recordProbe(round, at, [
      { envId: 'new', initAt: at - 10 * MINUTE, realServed: 6_000, lastRealAt: at - 500 },
    ]);
    expect(fresh.probe?.ratePerMinute).toBe(600);
    expect(planPings(fresh, 2, at + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    // a probe that started a new environment saw no traffic at all
    const cold = recordProbe(round, at, [{ envId: 'cold', initAt: at - 300, realServed: 0, lastRealAt: null }]);
    expect(planPings(cold, 2, at + MINUTE, settings).kind).toBe('keep-alive');
  });

  it('a probe confirms only with evidence: a whole window, or enough requests', () => {
    // a function at 3 and 2 requests a minute on two hour-old environments: its busiest kept warm by its traffic
    const env = (envId: string, perMinute: number): Sighting => ({
      envId,
      initAt: T0 - 60 * MINUTE,
      realServed: perMinute * 60,
      lastRealAt: T0 - 1_000,
    });
    const steady = recordSightings(EMPTY_TRAFFIC, T0, [env('a', 3), env('b', 2)]);
    const at = T0 + 30 * MINUTE;
    expect(planPings(steady, 1, at, settings).kind).toBe('probe');
    // the probe meets a 40-second-old environment with 2 requests: "2 a minute", but the old ones are gone
    const young = recordProbe(steady, at, [{ envId: 'new', initAt: at - 40_000, realServed: 2, lastRealAt: at - 500 }]);
    expect(young.probe).toMatchObject({ ratePerMinute: 2, overMs: MINUTE });
    expect(planPings(young, 1, at + MINUTE, settings).kind).toBe('keep-alive');
    // the same rate on an environment the round saw, over the 30 minutes since, confirms it
    const seen = recordProbe(steady, at, [{ ...env('a', 3), realServed: 180 + 60, lastRealAt: at - 500 }]);
    expect(seen.probe).toMatchObject({ ratePerMinute: 2, overMs: 30 * MINUTE });
    expect(planPings(seen, 1, at + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    // and so do many requests in a young environment's first minute
    const busy = recordProbe(steady, at, [{ envId: 'new', initAt: at - 40_000, realServed: 50, lastRealAt: at - 5 }]);
    expect(planPings(busy, 1, at + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
  });

  it('a probe confirms a timer that keeps its environment warm by the gaps it reports, not by its rate', () => {
    // a 3-minute timer: 0.33 requests a minute, far below what the rate rule needs for a 5-minute window
    const timer: Sighting = {
      envId: 't',
      initAt: T0 - 60 * MINUTE,
      realServed: 20,
      lastRealAt: T0 - 30_000,
      longestIdleMs: 180_500,
      shortestIdleMs: 179_500,
    };
    const kept = recordSightings(EMPTY_TRAFFIC, T0, [timer]);
    expect(planPings(kept, 1, T0 + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    const at = T0 + MAX_TRAFFIC_HORIZON_MS;
    expect(planPings(kept, 1, at, settings).kind).toBe('probe');
    const still = recordProbe(kept, at, [{ ...timer, realServed: 30, lastRealAt: at - 60_000 }]);
    expect(still.probe?.gaps).toEqual({ count: 29, longestMs: 180_500, shortestMs: 179_500 });
    expect(planPings(still, 1, at + MINUTE, settings).kind).toBe('kept-warm-by-traffic');
    // the timer slowed to every 8 minutes: its longest gap is now past the window, so a full round looks again
    const slowed = recordProbe(kept, at, [
      { ...timer, realServed: 24, lastRealAt: at - 60_000, longestIdleMs: 480_000 },
    ]);
    expect(planPings(slowed, 1, at + MINUTE, settings).kind).toBe('keep-alive');
  });

  it('a full round afterwards replaces the probe', () => {
    const probed = probeOf(round, 'busy', 30, 550);
    const next = recordSightings(probed, T0 + 35 * MINUTE, [
      { envId: 'busy', initAt: T0 - 60 * MINUTE, realServed: 60_000, lastRealAt: T0 + 35 * MINUTE - 100 },
    ]);
    expect(next.probe).toBeUndefined();
  });
});

describe('recordLatency', () => {
  it('rises at once and falls by halves, so one lucky round does not shorten every hold after it', () => {
    const first = recordLatency(EMPTY_TRAFFIC, 40);
    expect(first.latencyMs).toBe(40);
    expect(recordLatency(first, 90).latencyMs).toBe(90);
    expect(recordLatency(first, 10).latencyMs).toBe(25);
    // jitter within the band changes nothing: the same history, so the target's item is not rewritten
    expect(recordLatency(first, 25)).toBe(first);
    // the next full round keeps it
    const next = recordSightings(first, T0, [{ envId: 'e', initAt: T0 - MINUTE, realServed: 0, lastRealAt: null }]);
    expect(next.latencyMs).toBe(40);
  });
});
