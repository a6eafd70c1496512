import {
  BURST_MEMORY_MS,
  EMPTY_TRAFFIC,
  environmentsNeeded,
  recordSightings,
  recordUtilization,
  roundSeen,
  type Sighting,
  type TrafficHistory,
  UNIT_SHARES_KEPT,
  unitBusyShares,
} from '../../../controller/plan';
import { MINUTE, T0 } from '../../fixtures/controller/demand';

/** An environment as a proof shows it: started at `initAt`, `served` real requests, the last at `lastRealAt`. */
const env = (envId: string, initAt: number, served: number, lastRealAt: number | null): Sighting => ({
  envId,
  initAt,
  realServed: served,
  lastRealAt,
});

/** A first round at T0 + 5 min that reached one environment traffic had used at T0 + 1 min. */
const FIRST = recordSightings(EMPTY_TRAFFIC, T0 + 5 * MINUTE, [env('a', T0, 1, T0 + MINUTE)]);

describe('bursts of parallel requests, from the proofs of ping rounds', () => {
  it('a first round has no "round before": what it finds is no burst and nothing outgrown', () => {
    const first = recordSightings(EMPTY_TRAFFIC, T0 + 5 * MINUTE, [
      env('a', T0, 1, T0 + MINUTE),
      env('b', T0, 1, T0 + MINUTE),
    ]);
    expect(first.burst).toBeUndefined();
    expect(first.outgrown).toBeUndefined();
  });

  it('a round whose only environment was started by a user request since the round before: traffic outgrew it', () => {
    // at T0 + 7 min a burst started environments; the round at T0 + 10 min reached one of them
    const after = recordSightings(FIRST, T0 + 10 * MINUTE, [env('b', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE)]);
    expect(after.outgrown).toEqual({ at: T0 + 10 * MINUTE, since: T0 + 5 * MINUTE });
    expect(after.burst).toBeUndefined();
    const need = environmentsNeeded(after, 0.99, 5);
    expect(need.environments).toBe(2);
    expect(need.leftByTraffic).toBe(true);
    expect(need.why).toMatch(/traffic outgrew the 1 environment the last round reached .*: 2 pinged to find how many/);
  });

  it('the environment kept warm serving traffic again is not outgrowing: nothing says more were needed', () => {
    const again = recordSightings(FIRST, T0 + 10 * MINUTE, [env('a', T0, 2, T0 + 7 * MINUTE)]);
    expect(again.outgrown).toBeUndefined();
    expect(environmentsNeeded(again, 0.99, 5).leftByTraffic).toBeUndefined();
  });

  it('a look that finds every environment it pinged used since the burst looks further; one that does not stops', () => {
    const outgrown = recordSightings(FIRST, T0 + 10 * MINUTE, [env('b', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE)]);
    // the look (2 pings) finds two environments the burst used: a burst of 2, and still outgrown
    const look = recordSightings(outgrown, T0 + 15 * MINUTE, [
      env('b', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE),
      env('c', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE),
    ]);
    expect(look.burst).toEqual({ environments: 2, at: T0 + 7 * MINUTE });
    expect(look.outgrown).toEqual({ at: T0 + 15 * MINUTE, since: T0 + 5 * MINUTE });
    expect(environmentsNeeded(look, 0.99, 5).environments).toBe(4);
    // the next look (4 pings) finds three used and one it started: the burst was 3, the look is over
    const found = recordSightings(look, T0 + 20 * MINUTE, [
      env('b', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE),
      env('c', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE),
      env('d', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE),
      env('e', T0 + 20 * MINUTE, 0, null),
    ]);
    expect(found.burst).toEqual({ environments: 3, at: T0 + 7 * MINUTE });
    expect(found.outgrown).toBeUndefined();
    const need = environmentsNeeded(found, 0.99, 5);
    expect(need.environments).toBe(3);
    expect(need.why).toMatch(/a burst used 3 environments at once 13 min ago: 3 kept warm for the next/);
  });

  it('a look never asks for more than the cap, and stops at it', () => {
    let history = recordSightings(FIRST, T0 + 10 * MINUTE, [env('b', T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE)]);
    expect(environmentsNeeded(history, 0.99, 3).environments).toBe(2);
    const used = (n: number) =>
      Array.from({ length: n }, (_, i) => env(`u${i}`, T0 + 7 * MINUTE, 1, T0 + 7 * MINUTE + i * 1_000));
    history = recordSightings(history, T0 + 15 * MINUTE, used(2));
    expect(environmentsNeeded(history, 0.99, 3).environments).toBe(3);
    history = recordSightings(history, T0 + 20 * MINUTE, used(3));
    // all three used, but a round at the cap has nothing more to look for
    expect(environmentsNeeded(history, 0.99, 3)).toMatchObject({ environments: 3, leftByTraffic: true });
    expect(environmentsNeeded(history, 0.99, 3).why).toMatch(/a burst used 3 environments/);
  });

  it("a burst's environments are kept warm for BURST_MEMORY_MS after its last request, then let go", () => {
    const burst: TrafficHistory = {
      ...FIRST,
      at: T0 + 10 * MINUTE,
      burst: { environments: 4, at: T0 + 8 * MINUTE },
    };
    expect(environmentsNeeded(burst, 0.99, 10).environments).toBe(4);
    expect(environmentsNeeded(burst, 0.99, 3).environments).toBe(3);
    // rounds that see no new use keep the burst dated by its own last request, so its memory runs out
    const quiet = recordSightings(burst, T0 + 8 * MINUTE + BURST_MEMORY_MS + MINUTE, [env('a', T0, 1, T0 + MINUTE)]);
    expect(quiet.burst).toBeUndefined();
    expect(environmentsNeeded(quiet, 0.99, 10).environments).toBe(1);
  });

  it('a larger load than the burst keeps what the load needs', () => {
    const busy: TrafficHistory = {
      ...EMPTY_TRAFFIC,
      at: T0,
      load: 2.5,
      loadSource: 'metrics',
      burst: { environments: 2, at: T0 - MINUTE },
    };
    const need = environmentsNeeded(busy, 0.99, 10);
    expect(need.environments).toBeGreaterThan(2);
    expect(need.leftByTraffic).toBeUndefined();
  });
});

describe('reads of minute statistics', () => {
  it('keeps the loads of the last two reads, newest last', () => {
    const read = (history: TrafficHistory, at: number, load: number) =>
      recordUtilization(history, at, { minutes: 15, averageConcurrency: load, peakConcurrency: 2 * load });
    const one = read(EMPTY_TRAFFIC, T0, 3);
    expect(one.readLoads).toEqual([3]);
    const two = read(one, T0 + 15 * MINUTE, 0.5);
    expect(two.readLoads).toEqual([3, 0.5]);
    expect(read(two, T0 + 30 * MINUTE, 1).readLoads).toEqual([0.5, 1]);
    // a read too short for a provisioned decision records only its time
    expect(recordUtilization(two, T0 + 40 * MINUTE, { minutes: 5, averageConcurrency: 9, peakConcurrency: 9 })).toEqual(
      { ...two, metricsAt: T0 + 40 * MINUTE },
    );
  });

  it('measures how busy each environment was from the minutes, where the mean load cannot tell', () => {
    // a minute at 2.5: the first two busy throughout, the third half of it; silent minutes count as idle
    expect(unitBusyShares([2.5, 0.5], 4)).toEqual([0.375, 0.25, 0.125]);
    // one 5-minute burst of 16 in an hour: a mean of 1.33, but each of 16 environments busy 8% of the time
    const burst = unitBusyShares([16, 16, 16, 16, 16], 60);
    expect(burst).toHaveLength(16);
    expect(new Set(burst)).toEqual(new Set([0.083]));
    // steady at 3: three units busy throughout, no fourth
    expect(unitBusyShares(Array(15).fill(3), 15)).toEqual([1, 1, 1]);
    expect(unitBusyShares(Array(60).fill(500), 60)).toHaveLength(UNIT_SHARES_KEPT);
    expect(unitBusyShares([], 0)).toEqual([]);
  });

  it('keeps the shares of the same two reads as the loads, and drops them with a read that has none', () => {
    const read = (history: TrafficHistory, at: number, unitBusy?: number[]) =>
      recordUtilization(history, at, {
        minutes: 15,
        averageConcurrency: 1,
        peakConcurrency: 4,
        ...(unitBusy ? { unitBusy } : {}),
      });
    const two = read(read(EMPTY_TRAFFIC, T0, [0.5, 0.2]), T0 + 15 * MINUTE, [0.9]);
    expect(two.readUnitBusy).toEqual([[0.5, 0.2], [0.9]]);
    expect(read(two, T0 + 30 * MINUTE, [0.1]).readUnitBusy).toEqual([[0.9], [0.1]]);
    expect(read(two, T0 + 30 * MINUTE).readUnitBusy).toBeUndefined();
  });
});

describe('what a round saw of real traffic since the round before (the actual beside a forecast)', () => {
  it('counts the requests its environments served since then, and the ones a user request started', () => {
    // FIRST saw `a` at 1 request; now `a` has served 4 (3 more), and `b`, started at T0 + 7 min by a request, 2
    const seen = roundSeen(FIRST, [env('a', T0, 4, T0 + 9 * MINUTE), env('b', T0 + 7 * MINUTE, 2, T0 + 8 * MINUTE)]);
    expect(seen).toEqual({ since: T0 + 5 * MINUTE, requests: 5, coldStarts: 1 });
  });

  it('an environment this round started, or one that served nothing, is no user cold start', () => {
    const seen = roundSeen(FIRST, [env('a', T0, 1, T0 + MINUTE), env('c', T0 + 10 * MINUTE, 0, null)]);
    expect(seen).toEqual({ since: T0 + 5 * MINUTE, requests: 0, coldStarts: 0 });
  });

  it('a first round has no "before" to count from', () => {
    expect(roundSeen(undefined, [env('a', T0, 3, T0 + MINUTE)])).toBeUndefined();
    expect(roundSeen(EMPTY_TRAFFIC, [env('a', T0, 3, T0 + MINUTE)])).toBeUndefined();
  });
});
