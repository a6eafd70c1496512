import { got, suggest, unknownKey } from '../../../controller/policy/messages';

describe('suggest', () => {
  const keys = ['concurrency', 'interval', 'holdMs', 'payload'];

  it.each([
    ['concurency', 'concurrency'],
    ['concurrancy', 'concurrency'],
    ['intervall', 'interval'],
    ['hold_ms', 'holdMs'],
    ['HoldMS', 'holdMs'],
    ['hold-ms', 'holdMs'],
    ['paylod', 'payload'],
  ])('suggests %s -> %s', (typo, expected) => {
    expect(suggest(typo, keys)).toBe(expected);
  });

  it('suggests a short form the user spelled out', () => {
    expect(suggest('monday', ['mon', 'tue', 'wed'])).toBe('mon');
    expect(suggest('wednesday', ['mon', 'tue', 'wed'])).toBe('wed');
  });

  it('suggests nothing for a word that is not close to any candidate', () => {
    expect(suggest('retries', keys)).toBeUndefined();
    expect(suggest('x', keys)).toBeUndefined();
    expect(suggest('', keys)).toBeUndefined();
  });
});

describe('unknownKey', () => {
  it('offers the nearest key, or lists the allowed ones', () => {
    expect(unknownKey('concurency', ['concurrency', 'interval'])).toBe(
      'unknown key "concurency"; did you mean "concurrency"?',
    );
    expect(unknownKey('retries', ['concurrency', 'interval'])).toBe(
      'unknown key "retries"; allowed keys here: concurrency, interval',
    );
  });
});

describe('got', () => {
  it.each([
    [undefined, 'nothing'],
    [null, 'null'],
    ['a', '"a"'],
    [[1], 'a list'],
    [{ a: 1 }, 'a mapping'],
    [2.5, '2.5'],
    [true, 'true'],
  ])('shows %p as %s', (value, shown) => {
    expect(got(value)).toBe(shown);
  });
});
