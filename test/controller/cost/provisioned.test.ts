import { costOfProvisioned, PRICES, ProvisionedSpanError } from '../../../controller/cost';

const HOUR = 3_600_000;
const MIN = 60_000;

describe('costOfProvisioned', () => {
  it('bills one hour of one 1 GB environment at exactly 3600 GB-s times the price', () => {
    for (const architecture of ['x86_64', 'arm64'] as const) {
      const cost = costOfProvisioned({
        spans: [{ fromMs: 0, toMs: HOUR, concurrency: 1 }],
        memoryMb: 1024,
        architecture,
      });
      expect(cost.gbSeconds).toBe(3600);
      expect(cost.roundingMs).toBe(0);
      expect(cost.usd).toBeCloseTo(3600 * PRICES[architecture].provisionedPerGbSecond, 12);
    }
  });

  it('rounds an enabled period up to the next five minutes', () => {
    const cost = costOfProvisioned({
      spans: [{ fromMs: 0, toMs: 61 * MIN, concurrency: 2 }],
      memoryMb: 2048,
      architecture: 'x86_64',
    });
    expect(cost.roundingMs).toBe(4 * MIN);
    expect(cost.gbSeconds).toBe(2 * 2 * 65 * 60);
  });

  it('bills a one-second period as five minutes', () => {
    const cost = costOfProvisioned({
      spans: [{ fromMs: 0, toMs: 1000, concurrency: 1 }],
      memoryMb: 1024,
      architecture: 'arm64',
    });
    expect(cost.gbSeconds).toBe(300);
  });

  it('treats back-to-back level changes as one period and rounds at the last level', () => {
    const cost = costOfProvisioned({
      spans: [
        { fromMs: 0, toMs: 2 * MIN, concurrency: 1 },
        { fromMs: 2 * MIN, toMs: 3 * MIN, concurrency: 3 },
      ],
      memoryMb: 1024,
      architecture: 'x86_64',
    });
    // 1×120 s + 3×60 s, then 2 more minutes at level 3.
    expect(cost.gbSeconds).toBe(120 + 180 + 3 * 120);
    expect(cost.roundingMs).toBe(2 * MIN);
  });

  it('rounds each separate period', () => {
    const cost = costOfProvisioned({
      spans: [
        { fromMs: 0, toMs: MIN, concurrency: 1 },
        { fromMs: 10 * MIN, toMs: 11 * MIN, concurrency: 1 },
      ],
      memoryMb: 1024,
      architecture: 'x86_64',
    });
    expect(cost.gbSeconds).toBe(600);
  });

  it('does not round a period that is still open at the end', () => {
    const cost = costOfProvisioned({
      spans: [{ fromMs: 0, toMs: 61 * MIN, concurrency: 1, open: true }],
      memoryMb: 1024,
      architecture: 'x86_64',
    });
    expect(cost.gbSeconds).toBe(61 * 60);
  });

  it('rejects overlapping spans', () => {
    expect(() =>
      costOfProvisioned({
        spans: [
          { fromMs: 0, toMs: 2 * MIN, concurrency: 1 },
          { fromMs: MIN, toMs: 3 * MIN, concurrency: 1 },
        ],
        memoryMb: 1024,
        architecture: 'x86_64',
      }),
    ).toThrow(ProvisionedSpanError);
  });
});
