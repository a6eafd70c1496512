import fc from 'fast-check';
import { DurationError, formatDuration, parseDuration } from '../../../controller/policy/duration';

describe('parseDuration', () => {
  it.each([
    ['250ms', 250],
    ['90s', 90_000],
    ['5m', 300_000],
    ['1h30m', 5_400_000],
    ['1d', 86_400_000],
    ['1.5s', 1_500],
    [' 2m ', 120_000],
    ['1h0m5s', 3_605_000],
    ['1m 30s', 90_000],
  ])('reads %s as %d ms', (input, expected) => {
    expect(parseDuration(input)).toBe(expected);
  });

  it.each([
    ['', 'invalid duration "": it is empty'],
    ['5', 'invalid duration "5": the unit is missing'],
    ['5 minutes', 'invalid duration "5 minutes": unknown unit "minutes"'],
    ['5min', 'invalid duration "5min": unknown unit "min"'],
    ['5m 30', 'invalid duration "5m 30": the unit after 30 is missing'],
    ['5m5m', 'invalid duration "5m5m": units must go from largest to smallest, each once'],
    ['30s1m', 'invalid duration "30s1m": units must go from largest to smallest, each once'],
    ['-5m', 'invalid duration "-5m": unexpected "-5m"'],
    ['1h30m5m', 'invalid duration "1h30m5m": units must go from largest to smallest, each once'],
    ['0.5ms', 'invalid duration "0.5ms": it is not a whole number of milliseconds'],
  ])('rejects %j with a clear message', (input, message) => {
    expect(() => parseDuration(input)).toThrow(DurationError);
    expect(() => parseDuration(input)).toThrow(`${message}; use a number with a unit`);
  });
});

describe('formatDuration', () => {
  it('formats compound durations largest unit first', () => {
    expect(formatDuration(5_400_000)).toBe('1h30m');
    expect(formatDuration(1_250)).toBe('1s250ms');
    expect(formatDuration(0)).toBe('0s');
  });

  it('refuses negative or fractional input', () => {
    expect(() => formatDuration(-1)).toThrow(RangeError);
    expect(() => formatDuration(1.5)).toThrow(RangeError);
  });

  it('round-trips every whole number of milliseconds', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10 * 86_400_000 }), (ms) => {
        expect(parseDuration(formatDuration(ms))).toBe(ms);
      }),
    );
  });
});
