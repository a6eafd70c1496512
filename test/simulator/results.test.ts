import { histogramPercentile, percentile } from '../../simulator/results';

describe('percentiles', () => {
  it('uses the nearest rank', () => {
    const values = [0.1, 0.2, 0.3, 0.4];
    expect(percentile(values, 0.75)).toBe(0.3);
    expect(percentile(values, 0.76)).toBe(0.4);
    expect(percentile(values, 0)).toBe(0.1);
    expect(percentile([], 0.75)).toBe(0);
  });

  it('reads a histogram the same way', () => {
    const histogram = new Map([
      [250, 2],
      [0, 98],
    ]);
    expect(histogramPercentile(histogram, 0.5)).toBe(0);
    expect(histogramPercentile(histogram, 0.98)).toBe(0);
    expect(histogramPercentile(histogram, 0.99)).toBe(250);
    expect(histogramPercentile(new Map(), 0.99)).toBe(0);
  });
});
