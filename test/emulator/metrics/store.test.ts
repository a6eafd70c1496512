import { MetricStore } from '../../../emulator/metrics/store';

describe('MetricStore', () => {
  const t0 = Date.UTC(2026, 10, 23, 12, 0, 0);

  it('aggregates data points per minute and per period, with each statistic', () => {
    const store = new MetricStore();
    for (const [offset, value] of [
      [0, 1],
      [10_000, 5],
      [61_000, 3],
      [185_000, 7],
    ] as const) {
      store.record('NS', 'M', { A: 'x' }, value, t0 + offset);
    }
    const q = (stat: 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount', periodSeconds = 60) =>
      store.query({
        namespace: 'NS',
        name: 'M',
        dimensions: { A: 'x' },
        stat,
        periodSeconds,
        start: t0,
        end: t0 + 600_000,
      });
    expect(q('Sum')).toEqual([
      { timestamp: t0, value: 6 },
      { timestamp: t0 + 60_000, value: 3 },
      { timestamp: t0 + 180_000, value: 7 },
    ]);
    expect(q('Average').map((p) => p.value)).toEqual([3, 3, 7]);
    expect(q('Maximum', 120)).toEqual([
      { timestamp: t0, value: 5 },
      { timestamp: t0 + 120_000, value: 7 },
    ]);
    expect(q('Minimum', 300).map((p) => p.value)).toEqual([1]);
    expect(q('SampleCount', 300).map((p) => p.value)).toEqual([4]);
  });

  it('keeps one sample per minute for gauges: the minute maximum', () => {
    const store = new MetricStore();
    for (const value of [1, 4, 2, 0]) store.recordGauge('NS', 'G', {}, value, t0 + 1_000);
    const points = store.query({
      namespace: 'NS',
      name: 'G',
      stat: 'Average',
      periodSeconds: 60,
      start: t0,
      end: t0 + 60_000,
    });
    expect(points).toEqual([{ timestamp: t0, value: 4 }]);
  });

  it('matches the full dimension set only, as CloudWatch does', () => {
    const store = new MetricStore();
    store.record('NS', 'M', { A: 'x', B: 'y' }, 1, t0);
    expect(
      store.query({
        namespace: 'NS',
        name: 'M',
        dimensions: { A: 'x' },
        stat: 'Sum',
        periodSeconds: 60,
        start: t0,
        end: t0 + 60_000,
      }),
    ).toEqual([]);
    expect(store.list()).toEqual([
      { namespace: 'NS', name: 'M', dimensions: { A: 'x', B: 'y' }, unit: undefined, points: 1 },
    ]);
  });

  it('answers percentiles by nearest rank, with p0 and p100 the exact extremes', () => {
    const store = new MetricStore();
    // 1..100 spread over two minutes.
    for (let v = 1; v <= 100; v++) store.record('NS', 'D', {}, v, t0 + (v % 2) * 60_000);
    const p = (stat: `p${number}`, periodSeconds = 120) =>
      store
        .query({ namespace: 'NS', name: 'D', stat, periodSeconds, start: t0, end: t0 + 120_000 })
        .map((point) => point.value);
    expect(p('p0')).toEqual([1]);
    expect(p('p1')).toEqual([1]);
    expect(p('p25')).toEqual([25]);
    expect(p('p50')).toEqual([50]);
    expect(p('p99')).toEqual([99]);
    expect(p('p99.5')).toEqual([100]);
    expect(p('p100')).toEqual([100]);
    // Per minute: the even values fall in the first minute, the odd in the second.
    expect(p('p50', 60)).toEqual([50, 49]);
  });

  it('keeps percentiles within 0.05% for values it stores rounded', () => {
    const store = new MetricStore();
    const values = Array.from({ length: 1000 }, (_, i) => 10 + i * 1.23456);
    for (const v of values) store.record('NS', 'D', {}, v, t0);
    const [p90] = store.query({
      namespace: 'NS',
      name: 'D',
      stat: 'p90',
      periodSeconds: 60,
      start: t0,
      end: t0 + 60_000,
    });
    expect(Math.abs(p90!.value - values[899]!) / values[899]!).toBeLessThan(0.0005);
  });

  it('rounds the start down to the minute and counts periods from it, as CloudWatch does', () => {
    const store = new MetricStore();
    for (let m = 0; m < 6; m++) store.record('NS', 'M', {}, 1, t0 + m * 60_000 + 5_000);
    const sums = store
      .query({ namespace: 'NS', name: 'M', stat: 'Sum', periodSeconds: 240, start: t0 + 90_000, end: t0 + 600_000 })
      .map((point) => [point.timestamp - t0, point.value]);
    // From 12:01 (12:01:30 rounded down): 12:01-12:05 holds minutes 1-4, 12:05-12:09 holds minute 5.
    expect(sums).toEqual([
      [60_000, 4],
      [300_000, 1],
    ]);
  });

  it('keeps 15 days of one-minute data, dropping older minutes', () => {
    const store = new MetricStore();
    const minutes = 16 * 1440;
    for (let m = 0; m < minutes; m++) store.record('NS', 'M', {}, 1, t0 + m * 60_000);
    const points = store.query({
      namespace: 'NS',
      name: 'M',
      stat: 'Sum',
      periodSeconds: 86_400,
      start: t0,
      end: t0 + minutes * 60_000,
    });
    // Day 0 is gone; days 1 to 15 remain whole.
    expect(points.map((point) => (point.timestamp - t0) / 86_400_000)).toEqual(
      Array.from({ length: 15 }, (_, d) => d + 1),
    );
    expect(points.every((point) => point.value === 1440)).toBe(true);
  });
});
