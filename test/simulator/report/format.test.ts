import { formatPercent, formatUsd, formatUsdChange, significant } from '../../../simulator/report/format';

describe('report number formats', () => {
  it('gives small shares two significant digits instead of "<0.01%"', () => {
    expect(formatPercent(0.000_034_6)).toBe('0.0035%');
    expect(formatPercent(0.003_24)).toBe('0.32%');
    expect(formatPercent(0.000_000_012)).toBe('0.0000012%');
    expect(formatPercent(0.034)).toBe('3.4%');
    expect(formatPercent(0.0996)).toBe('10%');
    expect(formatPercent(0.5)).toBe('50%');
    expect(formatPercent(0)).toBe('0%');
  });

  it('never writes exponents', () => {
    expect(significant(1.234e-9, 2)).toBe('0.0000000012');
    expect(significant(123_456, 2)).toBe('123456');
    expect(formatUsd(0.000_54)).toBe('$0.00054');
  });
});

describe('signed dollars', () => {
  it('writes a saving with a minus before the dollar sign, and a difference with its sign', () => {
    expect(formatUsd(-0.020_7)).toBe('−$0.021');
    expect(formatUsdChange(0.000_08)).toBe('+$0.000080');
    expect(formatUsdChange(-0.156)).toBe('−$0.156');
    expect(formatUsdChange(0)).toBe('$0');
  });
});
