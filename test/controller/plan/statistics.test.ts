import fc from 'fast-check';
import { percentile, percentileOfSorted } from '../../../controller/plan/statistics';

describe('the one statistics helper: nearest-rank percentiles', () => {
  it('takes the smallest value at or above p of the values', () => {
    const values = [40, 10, 30, 20, 50];
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 0.2)).toBe(10);
    expect(percentile(values, 0.21)).toBe(20);
    expect(percentile(values, 0.5)).toBe(30);
    expect(percentile(values, 0.99)).toBe(50);
    expect(percentile(values, 1)).toBe(50);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('is one of the values, never falls as p rises, and agrees with the sorted form', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -1000, max: 1000 }), { minLength: 1, maxLength: 50 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (values, a, b) => {
          const [low, high] = a <= b ? [a, b] : [b, a];
          const sorted = [...values].sort((x, y) => x - y);
          expect(values).toContain(percentile(values, low));
          expect(percentile(values, low)).toBeLessThanOrEqual(percentile(values, high));
          expect(percentileOfSorted(sorted, high)).toBe(percentile(values, high));
        },
      ),
    );
  });
});
