import { intervalTolerance, isDue } from '../../../controller/plan';

describe('isDue', () => {
  it('tolerates a tenth of the interval, at most 30 s', () => {
    expect(intervalTolerance(60_000)).toBe(6_000);
    expect(intervalTolerance(3_600_000)).toBe(30_000);
  });

  it('is due on the first tick, at the interval, and when the clock went backwards', () => {
    expect(isDue(300_000, 1_000_000, undefined)).toBe(true);
    expect(isDue(300_000, 1_000_000, 700_000)).toBe(true);
    expect(isDue(300_000, 1_000_000, 800_000)).toBe(false);
    expect(isDue(300_000, 1_000_000, 1_500_000)).toBe(true);
  });

  it('tolerates a tick that arrives up to 30 s early', () => {
    expect(isDue(300_000, 1_000_000, 1_000_000 - 270_000)).toBe(true);
    expect(isDue(300_000, 1_000_000, 1_000_000 - 269_999)).toBe(false);
  });
});
