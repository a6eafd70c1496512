import { DEFAULT_BURST, phaseAt, planArrivals, requestRate } from '../../../cli/demo/traffic';

describe('demo traffic model', () => {
  it('is quiet at night, ramps up in the morning and peaks in business hours', () => {
    expect(requestRate(3)).toBeCloseTo(0.15);
    expect(requestRate(8)).toBeGreaterThan(requestRate(7));
    expect(requestRate(9)).toBeGreaterThan(requestRate(8));
    expect(requestRate(12)).toBeGreaterThan(10 * requestRate(3));
    expect(requestRate(19)).toBeLessThan(requestRate(16));
    expect(requestRate(22)).toBeCloseTo(0.15);
  });

  it('generates the same arrivals for the same seed, sorted by time', () => {
    const options = { durationMs: 45_000, functions: [{ name: 'a', weight: 1 }], seed: 3 };
    const one = planArrivals(options);
    expect(planArrivals(options)).toEqual(one);
    expect(planArrivals({ ...options, seed: 4 })).not.toEqual(one);
    for (let i = 1; i < one.length; i++) expect(one[i]!.atMs).toBeGreaterThanOrEqual(one[i - 1]!.atMs);
    expect(one.every((a) => a.atMs >= 0 && a.atMs < 45_000)).toBe(true);
  });

  it('sends most requests in business hours and a burst of simultaneous waves', () => {
    const durationMs = 48_000;
    const arrivals = planArrivals({ durationMs, functions: [{ name: 'a', weight: 1, burst: DEFAULT_BURST }] });
    const hour = (ms: number) => (ms / durationMs) * 24;
    const night = arrivals.filter((a) => hour(a.atMs) < 7).length;
    const business = arrivals.filter((a) => hour(a.atMs) >= 10 && hour(a.atMs) < 17).length;
    expect(business).toBeGreaterThan(5 * Math.max(1, night));
    const waves = arrivals.filter((a) => a.count > 1);
    expect(waves).toHaveLength(DEFAULT_BURST.waves);
    expect(waves.every((w) => w.count === DEFAULT_BURST.size && w.phase === 'burst')).toBe(true);
    expect(hour(waves[0]!.atMs)).toBeCloseTo(DEFAULT_BURST.atHour, 5);
  });

  it('scales rates and the burst by weight; without a burst there are no waves', () => {
    const durationMs = 45_000;
    const burst = { atHour: 12, waves: 2, size: 8, spacingMs: 100 };
    const arrivals = planArrivals({
      durationMs,
      functions: [
        { name: 'big', weight: 1, burst },
        { name: 'small', weight: 0.25, burst },
      ],
    });
    const big = arrivals.filter((a) => a.fn === 'big').length;
    const small = arrivals.filter((a) => a.fn === 'small').length;
    expect(big).toBeGreaterThan(2 * small);
    expect(arrivals.filter((a) => a.fn === 'small' && a.count > 1).map((a) => a.count)).toEqual([2, 2]);
    const none = planArrivals({ durationMs, functions: [{ name: 'a', weight: 1 }] });
    expect(none.filter((a) => a.count > 1)).toHaveLength(0);
    expect(none.some((a) => a.phase === 'burst')).toBe(false);
  });

  it('keeps a steady function at the quiet rate all day, without the burst', () => {
    const durationMs = 200_000;
    const arrivals = planArrivals({ durationMs, functions: [{ name: 'hook', weight: 1, profile: 'steady' }] });
    expect(arrivals.every((a) => a.count === 1)).toBe(true);
    const hour = (ms: number) => (ms / durationMs) * 24;
    const night = arrivals.filter((a) => hour(a.atMs) < 8).length;
    const day = arrivals.filter((a) => hour(a.atMs) >= 8 && hour(a.atMs) < 16).length;
    // 0.15 requests per second over 66.7 s each: about 10; a Poisson count stays well inside 2..25.
    for (const n of [night, day]) {
      expect(n).toBeGreaterThanOrEqual(2);
      expect(n).toBeLessThanOrEqual(25);
    }
  });

  it('sends only the bursts of a batch function', () => {
    const arrivals = planArrivals({
      durationMs: 45_000,
      functions: [
        {
          name: 'batch',
          weight: 1,
          profile: 'batch',
          burst: { atHour: 3, waves: 1, size: 30, spacingMs: 0, label: 'nightly batch' },
        },
      ],
    });
    expect(arrivals).toEqual([{ atMs: 5625, fn: 'batch', count: 30, phase: 'nightly batch' }]);
  });

  it('names the phase of the story', () => {
    const bursts = [DEFAULT_BURST, { atHour: 3, waves: 1, size: 30, spacingMs: 0, label: 'nightly batch' }];
    expect(phaseAt(2, 45_000, bursts)).toBe('night');
    expect(phaseAt(3, 45_000, bursts)).toBe('nightly batch');
    expect(phaseAt(8, 45_000, bursts)).toBe('morning ramp');
    expect(phaseAt(11, 45_000, bursts)).toBe('business hours');
    expect(phaseAt(DEFAULT_BURST.atHour + 0.01, 45_000, bursts)).toBe('burst');
    expect(phaseAt(DEFAULT_BURST.atHour + 0.01, 45_000)).toBe('business hours');
    expect(phaseAt(18, 45_000)).toBe('evening');
    expect(phaseAt(23, 45_000)).toBe('night');
  });
});
