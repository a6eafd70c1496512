import { PRICES } from '../../../controller/cost';
import { Engine, type SimFunction } from '../../../simulator/model/engine';
import { modelOptions } from '../../../simulator/model/options';
import { noWarming } from '../../../simulator/strategies/none';
import { oracle } from '../../../simulator/strategies/oracle';
import { staticProvisioned } from '../../../simulator/strategies/static-pc';
import { FIXED, HOUR, MIN, oneFunction, policySet, run } from '../helpers';

const fn: SimFunction = {
  index: 0,
  id: 'f',
  name: 'f',
  memoryMb: 1024,
  architecture: 'x86_64',
  coldStartMs: 200,
  billedInitMs: 200,
};

function engine(overrides = {}, endMs = HOUR) {
  return new Engine([fn], { model: modelOptions({ ...FIXED, ...overrides }), startMs: 0, endMs });
}

function feed(e: Engine, times: number[], durationMs = 100) {
  e.feed({
    count: times.length,
    time: Float64Array.from(times),
    fn: new Int32Array(times.length),
    durationMs: Float64Array.from(times, () => durationMs),
  });
}

describe('execution environments', () => {
  it('cold-starts twice for two arrivals 11 minutes apart with a 10-minute reclaim', () => {
    const [none] = run(oneFunction([0, 11 * MIN]), [noWarming()]);
    expect(none.coldStarts).toBe(2);
    expect(none.coldShare).toBe(1);
  });

  it('reuses the environment for two arrivals 9 minutes apart', () => {
    const [none] = run(oneFunction([0, 9 * MIN]), [noWarming()]);
    expect(none.coldStarts).toBe(1);
    // One cold (200 ms added) and one warm request: nearest-rank p50 is the warm one.
    expect(none.addedLatencyMs.p99).toBe(200);
    expect(none.addedLatencyMs.p50).toBe(0);
    expect(none.addedLatencyMs.mean).toBe(100);
  });

  it('counts the reclaim from the end of the request, not its start', () => {
    // Busy 0–2 min, idle from 2 min: still alive at 11.5 min with a 10-minute reclaim.
    const [none] = run(oneFunction([0, 11.5 * MIN], 2 * MIN), [noWarming()]);
    expect(none.coldStarts).toBe(1);
  });

  it('gives concurrent requests one environment each and reuses them once free', () => {
    const e = engine();
    feed(e, [0, 0, 0, 50, 1000]);
    const totals = e.finish();
    // Three at once → three environments; at 50 ms all are busy (cold start 200 ms) → a fourth; at 1 s one is free.
    expect(totals.functions[0].cold).toBe(4);
    expect(totals.functions[0].environmentsCreated).toBe(4);
    expect(totals.functions[0].requests).toBe(5);
  });

  it('retires an environment at its maximum lifetime even when it is used all the time', () => {
    const times = Array.from({ length: 180 }, (_, i) => i * MIN);
    const [none] = run(oneFunction(times, 100, 3 * HOUR), [noWarming()], { maxLifetime: { kind: 'fixed', ms: HOUR } });
    expect(none.coldStarts).toBe(3);
  });

  describe('proactive initialisation', () => {
    const lifetime = { maxLifetime: { kind: 'fixed', ms: HOUR } as const };
    const every = (stepMs: number, endMs: number) => Array.from({ length: endMs / stepMs }, (_, i) => i * stepMs);

    it('replaces a busy environment ahead of its retirement: one cold start over three lifetimes, the INITs billed', () => {
      // Each replacement starts its INIT a cold start before the old one goes, so it retires that much earlier.
      const e = engine({ ...lifetime, proactiveReplacement: 1 }, 2.5 * HOUR);
      feed(e, every(10_000, 2.5 * HOUR));
      const t = e.finish().functions[0];
      expect(t.cold).toBe(1);
      expect(t.retired).toBe(2);
      expect(t.proactiveInits).toBe(2);
      expect(t.inits).toBe(3);
      expect(t.environmentsCreated).toBe(3);
    });

    it('leaves every retirement to a cold start when switched off', () => {
      const e = engine({ ...lifetime, proactiveReplacement: 0 }, 3 * HOUR);
      feed(e, every(10_000, 3 * HOUR));
      const t = e.finish().functions[0];
      expect(t.cold).toBe(3);
      expect(t.proactiveInits).toBe(0);
    });

    it('replaces an environment retiring in the middle of a request once the request ends', () => {
      // 45-second requests every 50 s: the environment is in the middle of one when its 3,620 s are up.
      const e = engine({ maxLifetime: { kind: 'fixed', ms: 3_620_000 }, proactiveReplacement: 1 }, 2 * HOUR);
      feed(e, every(50_000, 2 * HOUR), 45_000);
      const t = e.finish().functions[0];
      expect(t.cold).toBe(1);
      expect(t.proactiveInits).toBe(1);
    });

    it('does not replace an environment idle for longer than a minute before it retires (low throughput)', () => {
      const e = engine(
        { ...lifetime, idleReclaim: { kind: 'fixed', ms: 24 * HOUR }, proactiveReplacement: 1 },
        3 * HOUR,
      );
      feed(e, every(20 * MIN, 3 * HOUR));
      const t = e.finish().functions[0];
      expect(t.proactiveInits).toBe(0);
      expect(t.cold).toBe(3);
    });

    it('lets a replacement nobody used be reclaimed like any idle environment', () => {
      // Busy for the first hour, then nothing for 30 minutes: the replacement, idle since 1 h, is gone by then.
      const e = engine({ ...lifetime, proactiveReplacement: 1 }, 2 * HOUR);
      feed(e, [...every(10_000, HOUR), HOUR + 30 * MIN]);
      const t = e.finish().functions[0];
      expect(t.proactiveInits).toBe(1);
      expect(t.cold).toBe(2);
      expect(t.reclaimed).toBeGreaterThanOrEqual(1);
    });

    it('replaces about the configured share, reproducibly', () => {
      const times = every(5_000, 24 * HOUR);
      const counts = [1, 2].map(() => {
        const e = engine({ ...lifetime, proactiveReplacement: 0.5, seed: 3 }, 24 * HOUR);
        feed(e, times);
        return e.finish().functions[0];
      });
      expect(counts[0]).toEqual(counts[1]);
      const { proactiveInits, retired } = counts[0];
      expect(retired).toBeGreaterThanOrEqual(20);
      expect(proactiveInits).toBeGreaterThan(0.2 * retired);
      expect(proactiveInits).toBeLessThan(0.8 * retired);
    });
  });

  it('throttles beyond the scaling bucket', () => {
    const e = engine({ scaling: { burst: 2, perSecond: 100 } });
    feed(e, [0, 0, 0]);
    feed(e, [1000]);
    const totals = e.finish();
    expect(totals.functions[0].throttled).toBe(1);
    expect(totals.functions[0].cold).toBe(2);
    // The bucket refilled: the arrival at 1 s found both environments free anyway.
    expect(totals.functions[0].environmentsCreated).toBe(2);
  });

  it('throttles beyond the account concurrency', () => {
    const e = engine({ accountConcurrency: 2 });
    feed(e, [0, 0, 0]);
    expect(e.finish().functions[0].throttled).toBe(1);
  });

  it('throttles beyond reserved concurrency', () => {
    const e = engine({ reservedConcurrency: 1 });
    feed(e, [0, 10, 500]);
    const t = e.finish().functions[0];
    expect(t.throttled).toBe(1);
    expect(t.requests - t.throttled).toBe(2);
  });

  it('draws idle reclaim per idle period within the configured range, reproducibly', () => {
    const times = Array.from({ length: 40 }, (_, i) => i * 12 * MIN);
    const model = { idleReclaim: { kind: 'uniform', minMs: 5 * MIN, maxMs: 15 * MIN } as const, seed: 7 };
    const [a] = run(oneFunction(times, 100, 8 * HOUR), [noWarming()], model);
    const [b] = run(oneFunction(times, 100, 8 * HOUR), [noWarming()], model);
    // A 12-minute gap survives a 5–15 minute reclaim 30 % of the time: neither all nor none of them.
    expect(a.coldStarts).toBeGreaterThan(10);
    expect(a.coldStarts).toBeLessThan(40);
    expect(b.coldStarts).toBe(a.coldStarts);
  });
});

describe('provisioned concurrency', () => {
  const pc1 = policySet('defaults:\n  provisioned: { min: 1 }\n');

  it('serves from provisioned environments first and spills over to on-demand', () => {
    const trace = oneFunction([MIN, MIN, 5 * MIN], 100, HOUR);
    const [pc] = run(trace, [staticProvisioned()], {}, pc1);
    expect(pc.coldStarts).toBe(1);
    const perRequest = (100 / 1000) * 1 * PRICES.x86_64.provisionedDurationPerGbSecond;
    expect(pc.cost.provisionedDuration).toBeCloseTo(2 * perRequest, 12);
  });

  it('bills one hour of one 1 GB environment at 3600 GB-s times the price', () => {
    const [pc] = run(oneFunction([], 100, HOUR), [staticProvisioned()], {}, pc1);
    expect(pc.cost.provisioned).toBeCloseTo(3600 * PRICES.x86_64.provisionedPerGbSecond, 12);
  });

  it('makes an increase usable only after allocation, and rounds a disabled period up to five minutes', () => {
    const e = engine({}, 2 * HOUR);
    e.setProvisioned(0, 1);
    feed(e, [30_000]);
    expect(e.provisioned(0)).toMatchObject({ configured: 1, allocated: 0 });
    feed(e, [3 * MIN]);
    expect(e.provisioned(0)).toMatchObject({ configured: 1, allocated: 1, pending: undefined });
    e.at(61 * MIN, () => e.setProvisioned(0, 0));
    const totals = e.finish();
    expect(totals.functions[0].cold).toBe(1);
    expect(totals.functions[0].onProvisioned).toBe(1);
    expect(totals.functions[0].provisionedInits).toBe(1);
    expect(totals.functions[0].provisionedSpans).toEqual([{ fromMs: 0, toMs: 61 * MIN, concurrency: 1, open: false }]);
  });

  it('spills over beyond 10 requests per second per provisioned environment', () => {
    const e = engine({ provisionedRpsPerUnit: 10 });
    e.setProvisioned(0, 1, { immediate: true });
    feed(
      e,
      Array.from({ length: 15 }, (_, i) => i * 50),
      1,
    );
    const t = e.finish().functions[0];
    expect(t.onProvisioned).toBe(10);
    expect(t.requests - t.onProvisioned).toBe(5);
  });
});

describe('oracle', () => {
  it('has no cold starts and pays one INIT and one ping for every environment none would cold-start', () => {
    const times = [0, 11 * MIN, 30 * MIN, 30 * MIN];
    const [none, best] = run(oneFunction(times), [noWarming(), oracle()]);
    expect(none.coldStarts).toBe(4);
    expect(best.coldStarts).toBe(0);
    expect(best.pings.sent).toBe(4);
    expect(best.cost.billedInit).toBeCloseTo(none.cost.billedInit, 15);
    expect(best.costUsd).toBeGreaterThan(none.costUsd);
  });
});

describe('what a ping sees of real traffic (the target helper’s proof)', () => {
  it('reports the longest and shortest idle gap between real requests, from the end of one to the next', () => {
    const e = engine();
    // requests of 100 ms at 0, 3 min and 7 min: gaps of 3 min − 100 ms and 4 min − 100 ms; the first was cold
    // (200 ms), so its handler ran from 200 ms to 300 ms
    feed(e, [0, 3 * MIN, 7 * MIN]);
    const seen: Array<Record<string, number> | undefined> = [];
    e.ping(0, 8 * MIN, { durationMs: 1, onResult: (outcome) => seen.push(outcome.sighting) });
    e.finish();
    expect(seen[0]).toMatchObject({
      realServed: 3,
      longestIdleMs: 4 * MIN - 100,
      shortestIdleMs: 3 * MIN - 300,
      lastRealAt: 7 * MIN,
    });
  });

  it('reports no gaps before the environment has served two requests', () => {
    const e = engine();
    feed(e, [0]);
    const seen: Array<Record<string, number> | undefined> = [];
    e.ping(0, MIN, { durationMs: 1, onResult: (outcome) => seen.push(outcome.sighting) });
    e.finish();
    expect(Number.isNaN(seen[0]?.longestIdleMs)).toBe(true);
    expect(Number.isNaN(seen[0]?.shortestIdleMs)).toBe(true);
  });
});

describe('schedules', () => {
  it('fire once per schedule at a phase inside the first minute, the same for a name under one seed', () => {
    const e = new Engine([fn], { model: modelOptions(), startMs: 0, endMs: HOUR });
    const phases = ['thermostat', 'serverless-plugin-warmup:300000', 'lambda-warmer:f', 'lambda-warmer:g'].map((name) =>
      e.scheduleStart(name),
    );
    for (const phase of phases) {
      expect(phase).toBeGreaterThanOrEqual(0);
      expect(phase).toBeLessThan(MIN);
      expect(Number.isInteger(phase)).toBe(true);
    }
    expect(new Set(phases).size).toBe(phases.length);
    const again = new Engine([fn], { model: modelOptions(), startMs: 0, endMs: HOUR });
    expect(again.scheduleStart('thermostat')).toBe(phases[0]);
    const atZero = new Engine([fn], {
      model: modelOptions({ schedulePhase: { kind: 'fixed', ms: 0 } }),
      startMs: 0,
      endMs: HOUR,
    });
    expect(atZero.scheduleStart('thermostat')).toBe(0);
  });
});

describe("a controller's or warmer's own invocations", () => {
  const call = (name: string, at: number, durationMs = 300) =>
    ({ name, at, durationMs, memoryMb: 512, architecture: 'arm64', initMs: 150 }) as const;

  it('bills an INIT when no environment of the function is alive and idle, none while one is', () => {
    // Reclaim after 10 idle minutes (FIXED): 5 minutes apart stays warm, 11 minutes apart starts cold again.
    const e = engine({}, 2 * HOUR);
    expect(e.chargeController(call('controller', 0))).toBe(true);
    expect(e.chargeController(call('controller', 5 * MIN))).toBe(false);
    expect(e.chargeController(call('controller', 16 * MIN + 400))).toBe(true);
    const bill = e.finish().controller.arm64;
    expect(bill.requests).toBe(3);
    expect(bill.inits).toBe(2);
    // 3 × 300 ms of work and 2 × 150 ms of INIT at 0.5 GB.
    expect(bill.gbSeconds).toBeCloseTo(0.5 * (0.9 + 0.3), 10);
  });

  it('bills the first call past INIT only to invocations that start cold, and keeps their environment busy for it', () => {
    const e = engine({}, HOUR);
    const first = { ...call('controller', 0), firstCallMs: 200 };
    expect(e.chargeController(first)).toBe(true);
    // INIT 150 + first call 200 + work 300: still busy at 600 ms, so an invocation then needs an environment of its own.
    expect(e.chargeController({ ...call('controller', 600), firstCallMs: 200 })).toBe(true);
    // Both are free after 2 s: a warm one pays no first call.
    expect(e.chargeController({ ...call('controller', 2000), firstCallMs: 200 })).toBe(false);
    const bill = e.finish().controller.arm64;
    // Two cold ones (150 + 200 + 300 ms each) and one warm one (300 ms), at 0.5 GB.
    expect(bill.gbSeconds).toBeCloseTo(0.5 * (2 * 0.65 + 0.3), 10);
  });

  it('gives overlapping invocations their own environments, and functions of other names none of theirs', () => {
    const e = engine();
    expect(e.chargeController(call('controller', 0, 2000))).toBe(true);
    // The first still runs at 1 s (its INIT and 2 s of work): a second shard starts its own environment.
    expect(e.chargeController(call('controller', 1000))).toBe(true);
    // A warmer of another name never runs in the controller's environments.
    expect(e.chargeController(call('warmer', 3000))).toBe(true);
    // Both of the controller's are free at 3 s: reused, warm.
    expect(e.chargeController(call('controller', 3000))).toBe(false);
    expect(e.chargeController(call('controller', 3000))).toBe(false);
    expect(e.finish().controller.arm64.inits).toBe(3);
  });

  it('retires an environment at its maximum lifetime even when it is invoked every minute', () => {
    const e = engine({ maxLifetime: { kind: 'fixed', ms: HOUR } }, 3 * HOUR);
    const cold: number[] = [];
    for (let at = 0; at < 150 * MIN; at += MIN) if (e.chargeController(call('controller', at))) cold.push(at);
    expect(cold).toEqual([0, 60 * MIN, 120 * MIN]);
  });

  it('draws its reclaim from a stream of its own: the functions’ environments fare the same with or without it', () => {
    const spread = { idleReclaim: { kind: 'uniform', minMs: 5 * MIN, maxMs: 15 * MIN } as const };
    const times = Array.from({ length: 40 }, (_, i) => i * 7 * MIN);
    const without = engine(spread, 6 * HOUR);
    feed(without, times);
    const alone = without.finish().functions[0].cold;
    const beside = engine(spread, 6 * HOUR);
    for (let at = 0; at < 6 * HOUR; at += 13 * MIN) beside.chargeController(call('controller', at));
    feed(beside, times);
    const totals = beside.finish();
    expect(totals.functions[0].cold).toBe(alone);
    expect(totals.controller.arm64.inits).toBeGreaterThan(0);
  });
});
