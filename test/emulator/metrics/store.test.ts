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
});
