import { intervalTolerance, isDue, onGridBefore, roundDueAt } from '../../../controller/plan';

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

describe('roundDueAt', () => {
  const FIVE = 300_000;
  const GRID = 1_800_000_000_000; // a multiple of five minutes

  it('is an interval later unless aligned', () => {
    expect(roundDueAt(FIVE, GRID + 120_000)).toBe(GRID + 120_000 + FIVE);
    expect(isDue(FIVE, GRID + FIVE, GRID + 120_000)).toBe(false);
  });

  it('aligned, moves a round early onto the next multiple of the interval, never later', () => {
    expect(roundDueAt(FIVE, GRID + 120_000, true)).toBe(GRID + FIVE);
    expect(isDue(FIVE, GRID + FIVE, GRID + 120_000, true)).toBe(true);
    expect(isDue(FIVE, GRID + FIVE - 60_000, GRID + 120_000, true)).toBe(false);
    // a round planned just before a grid point (within the tolerance) is on the grid already: not due again there
    expect(roundDueAt(FIVE, GRID - 10_000, true)).toBe(GRID - 10_000 + FIVE);
    expect(isDue(FIVE, GRID + 60_000, GRID - 10_000, true)).toBe(false);
  });

  it('once on the grid, targets that started on different ticks share every round, an interval apart', () => {
    // ticks on a schedule whose seconds are arbitrary (17 s past the minute here)
    const ticks = Array.from({ length: 40 }, (_, k) => GRID + 17_000 + k * 60_000);
    const roundsOf = (first: number) => {
      let last = ticks[first];
      const rounds: number[] = [];
      for (const tick of ticks.slice(first + 1)) {
        if (!isDue(FIVE, tick, last, true)) continue;
        expect(tick - last).toBeLessThanOrEqual(FIVE);
        rounds.push(tick);
        last = tick;
      }
      return rounds;
    };
    const starts = [0, 1, 2, 3, 4, 6];
    const all = starts.map(roundsOf);
    // an interval after the last one started, every target's rounds fall on the same ticks, an interval apart
    const settled = (rounds: number[]) => rounds.filter((round) => round >= ticks[6] + FIVE);
    expect(settled(all[0]).length).toBeGreaterThanOrEqual(5);
    for (const rounds of all) expect(settled(rounds)).toEqual(settled(all[0]));
    const shared = settled(all[0]);
    for (let i = 1; i < shared.length; i++) expect(shared[i] - shared[i - 1]).toBe(FIVE);
  });

  it('onGridBefore never moves a time to or before its lower bound', () => {
    expect(onGridBefore(GRID + 200_000, FIVE, GRID + 100_000)).toBe(GRID + 200_000);
    expect(onGridBefore(GRID + 200_000, FIVE, GRID - 1)).toBe(GRID);
    expect(onGridBefore(GRID, FIVE, GRID - 1)).toBe(GRID);
  });
});
