import { breakEvenUtilisation, PriceOverrideError, withPrices } from '../../../controller/cost';

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
});
