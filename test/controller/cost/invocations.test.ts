import {
  billedMs,
  costOfDuration,
  costOfPings,
  costOfRequests,
  gbSeconds,
  PLATFORM_LOG_BYTES,
  PRICES,
} from '../../../controller/cost';

describe('invocation costs', () => {
  it('rounds duration up to whole milliseconds, at least 1 ms', () => {
    expect(billedMs(0)).toBe(1);
    expect(billedMs(0.2)).toBe(1);
    expect(billedMs(4)).toBe(4);
    expect(billedMs(4.01)).toBe(5);
  });

  it('counts GB as 1,024 MB', () => {
    expect(gbSeconds(1024, 1000)).toBe(1);
    expect(gbSeconds(128, 1000)).toBe(0.125);
  });

  it('prices one million requests at $0.20', () => {
    expect(costOfRequests(1e6, PRICES.x86_64)).toBeCloseTo(0.2, 12);
  });

  it('moves to the next duration tier once the month reaches it', () => {
    const sheet = PRICES.x86_64;
    expect(costOfDuration(10, sheet)).toBeCloseTo(10 * 0.0000166667, 12);
    const straddling = costOfDuration(10, sheet, 6e9 - 4);
    expect(straddling).toBeCloseTo(4 * 0.0000166667 + 6 * 0.000015, 12);
  });

  it('prices a ping as a request plus its held duration plus INIT when cold, plus the lines Lambda logs for it', () => {
    const warm = costOfPings({ count: 1, holdMs: 100, memoryMb: 1024, architecture: 'x86_64' });
    // CloudWatch Logs bills USD 0.50 per GB ingested.
    expect(warm.logs).toBeCloseTo((PLATFORM_LOG_BYTES / 2 ** 30) * 0.5, 15);
    expect(warm.total).toBeCloseTo(0.0000002 + 0.1 * 0.0000166667 + warm.logs, 12);
    const cold = costOfPings({
      count: 10,
      holdMs: 1,
      memoryMb: 1024,
      architecture: 'arm64',
      coldPings: 2,
      initMs: 130,
    });
    expect(cold.init).toBeCloseTo(2 * 0.13 * 0.0000133334, 12);
    expect(cold.logs).toBeCloseTo(10 * warm.logs, 15);
    expect(cold.total).toBeCloseTo(cold.requests + cold.duration + cold.init + cold.logs, 15);
  });
});
