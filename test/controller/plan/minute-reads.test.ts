import {
  EMPTY_TRAFFIC,
  LONGEST_MINUTE_READ_MINUTES,
  minuteReadMinutes,
  type TrafficHistory,
  wantsMinuteStatistics,
} from '../../../controller/plan';
import { MINUTE, T0 } from '../../fixtures/controller/demand';

describe('minuteReadMinutes', () => {
  it('reads minute statistics over the minutes since the last read: at least 15, at most the last hour', () => {
    const read = (minutesAgo?: number) =>
      minuteReadMinutes(
        minutesAgo === undefined ? EMPTY_TRAFFIC : { ...EMPTY_TRAFFIC, metricsAt: T0 - minutesAgo * MINUTE },
        T0,
      );
    expect(read()).toBe(LONGEST_MINUTE_READ_MINUTES);
    expect([read(5), read(15), read(20.5), read(60), read(600)]).toEqual([15, 15, 20, 60, 60]);
  });
});

describe('wantsMinuteStatistics (CloudWatch bills every metric requested)', () => {
  const busy = (requests: number): TrafficHistory => ({
    ...EMPTY_TRAFFIC,
    at: T0,
    load: 0.7,
    loadSource: 'proofs',
    meanRequestMs: 2_000,
    environments: [{ envId: 'e', ratePerMinute: 1, lastRealAt: T0 - 1_000, realServed: requests }],
  });
  const ask = (traffic: TrafficHistory | undefined, more: Partial<Parameters<typeof wantsMinuteStatistics>[0]> = {}) =>
    wantsMinuteStatistics({
      auto: true,
      provisionedPossible: true,
      holdsProvisioned: false,
      traffic,
      breakEven: 0.6,
      now: T0 + MINUTE,
      ...more,
    });

  it('reads where the proofs show a load a unit could pay off on, resting on enough requests', () => {
    expect(ask(busy(40))).toBe(true);
    // the same busy share from two requests is no forecast: nothing worth a billed read yet
    expect(ask(busy(2))).toBe(false);
    expect(ask({ ...busy(40), load: 0.2 })).toBe(false);
  });

  it('reads only where the whole load, with what the environments seen could not take, may fill a first unit to break-even', () => {
    // a first unit is busy 60% of the time on a load of 1.5 (1.5 / 2.5), of which one environment seen serves 0.6
    expect(ask({ ...busy(40), load: 0.59 })).toBe(false);
    expect(ask({ ...busy(40), load: 0.61 })).toBe(true);
    // three seen serve nearly all of it (1.5 × (1 − 0.134)): a load of 1.25 there cannot make a unit pay off
    const env = (envId: string) => ({ envId, ratePerMinute: 1, lastRealAt: T0 - 1_000, realServed: 40 });
    const three = { ...busy(40), environments: [env('a'), env('b'), env('c')] };
    expect(ask({ ...three, load: 1.25 })).toBe(false);
    expect(ask({ ...three, load: 1.31 })).toBe(true);
  });

  it('does not read where requests are too short for a unit to reach break-even at 10 a second', () => {
    // 50 ms requests keep a unit busy half the time at most, below the break-even of 0.6, whatever the load
    expect(ask({ ...busy(40), load: 3, meanRequestMs: 50 })).toBe(false);
    expect(ask({ ...busy(40), load: 3, meanRequestMs: 70 })).toBe(true);
  });

  it('reads at most hourly without provisioned concurrency, every 15 minutes with it, and never outside auto', () => {
    expect(ask({ ...busy(40), metricsAt: T0 - 30 * MINUTE })).toBe(false);
    expect(ask({ ...busy(2), metricsAt: T0 - 30 * MINUTE }, { holdsProvisioned: true })).toBe(true);
    expect(ask({ ...busy(2), metricsAt: T0 - 5 * MINUTE }, { holdsProvisioned: true })).toBe(false);
    expect(ask(busy(40), { auto: false })).toBe(false);
    expect(ask(busy(40), { provisionedPossible: false })).toBe(false);
    // requests longer than five minutes are a load no new unit takes over
    expect(ask({ ...busy(40), meanRequestMs: 6 * MINUTE })).toBe(false);
  });

  it('confirms a read that showed a load a unit would pay off on 15 minutes later, not an hour', () => {
    const read = (readLoads: number[]): TrafficHistory => ({
      ...busy(40),
      load: readLoads[readLoads.length - 1],
      loadSource: 'metrics',
      metricsAt: T0 - 20 * MINUTE,
      readLoads,
    });
    // a load of 3: the first unit would carry 0.75 of it, above the break-even of 0.6
    expect(ask(read([3]))).toBe(true);
    expect(ask(read([0.2, 3]))).toBe(true);
    // confirmed (or never worth a unit): back to hourly
    expect(ask(read([3, 3]))).toBe(false);
    expect(ask(read([0.2]))).toBe(false);
    expect(ask({ ...read([3]), metricsAt: T0 - 10 * MINUTE })).toBe(false);
  });

  it('reads every 4 hours once two reads found no unit worth it, hourly again when the proofs show more load', () => {
    // Two reads at 0.7 and 0.8: the first unit would carry under 0.45, below the break-even of 0.6.
    const quiet = (proofsLoad: number, ago: number): TrafficHistory => ({
      ...busy(40),
      load: proofsLoad,
      loadSource: 'proofs',
      metricsAt: T0 + MINUTE - ago,
      readLoads: [0.7, 0.8],
    });
    expect(ask(quiet(0.7, 2 * 60 * MINUTE))).toBe(false);
    expect(ask(quiet(0.7, 4 * 60 * MINUTE))).toBe(true);
    // the proofs, which see only some environments, now show more than the reads did: traffic grew
    expect(ask(quiet(0.9, 2 * 60 * MINUTE))).toBe(true);
    // one quiet read is not enough to slow down
    expect(ask({ ...quiet(0.7, 2 * 60 * MINUTE), readLoads: [0.8] })).toBe(true);
    // a read on which a unit would pay off keeps its hourly (or 15-minute) pace
    expect(ask({ ...quiet(0.7, 2 * 60 * MINUTE), readLoads: [0.8, 3] })).toBe(true);
    // ...unless what it measured of the first unit says it would not: bursts whose mean only looks steady
    const bursts = {
      ...quiet(0.7, 2 * 60 * MINUTE),
      readLoads: [2.5, 3],
      readUnitBusy: [
        [0.2, 0.2],
        [0.25, 0.2],
      ],
    };
    expect(ask(bursts)).toBe(false);
    expect(
      ask({
        ...bursts,
        readUnitBusy: [
          [0.2, 0.2],
          [0.9, 0.8],
        ],
      }),
    ).toBe(true);
    // shares are matched to the newest reads: a lone one belongs to the newest
    expect(ask({ ...bursts, readUnitBusy: [[0.25, 0.2]] })).toBe(true);
  });
});
