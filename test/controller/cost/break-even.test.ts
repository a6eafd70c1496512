import {
  breakEvenUtilisation,
  choosePingsOrProvisioned,
  PriceOverrideError,
  withPrices,
} from '../../../controller/cost';

const base = { memoryMb: 1024, environments: 4, intervalMs: 300_000, holdMs: 250 } as const;

describe('break-even', () => {
  it('is about 0.600 on both architectures', () => {
    expect(breakEvenUtilisation('x86_64')).toBeCloseTo(0.6, 3);
    expect(breakEvenUtilisation('arm64')).toBeCloseTo(0.6, 3);
  });

  it('follows overridden prices', () => {
    const prices = withPrices({ x86_64: { provisionedPerGbSecond: 0.000002 } });
    expect(breakEvenUtilisation('x86_64', prices)).toBeCloseTo(0.000002 / (0.0000166667 - 0.0000097222), 9);
    expect(breakEvenUtilisation('arm64', prices)).toBeCloseTo(0.6, 3);
  });

  it('rejects a negative price override', () => {
    expect(() => withPrices({ arm64: { requestPerMillion: -1 } })).toThrow(PriceOverrideError);
  });

  it('chooses provisioned concurrency above the break-even and pings below it, with the numbers', () => {
    const high = choosePingsOrProvisioned({ ...base, architecture: 'arm64', expectedUtilization: 0.8 });
    expect(high.choice).toBe('provisioned');
    expect(high.reason).toMatch(/80% is above the 60% break-even/);
    expect(high.monthly!.provisioned).toBeLessThan(high.monthly!.warm);
    const low = choosePingsOrProvisioned({ ...base, architecture: 'x86_64', expectedUtilization: 0.3 });
    expect(low.choice).toBe('warm');
    expect(low.reason).toMatch(/30% is below/);
    expect(low.monthly!.warm).toBeLessThan(low.monthly!.provisioned);
  });

  it('prices provisioned capacity for a full month in its comparison', () => {
    const choice = choosePingsOrProvisioned({
      ...base,
      environments: 1,
      architecture: 'x86_64',
      expectedUtilization: 0,
    });
    // 1 GB for 730 h = $10.95 of capacity and nothing else.
    expect(choice.monthly!.provisioned).toBeCloseTo(10.95, 2);
  });

  it('chooses pings when utilisation is unknown', () => {
    const choice = choosePingsOrProvisioned({ ...base, architecture: 'x86_64', expectedUtilization: undefined });
    expect(choice.choice).toBe('warm');
    expect(choice.reason).toMatch(/no expected utilisation/);
  });
});
