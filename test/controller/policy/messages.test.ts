import { got, SUGGEST_MAX_LENGTH, suggest, unknownKey } from '../../../controller/policy/messages';

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

describe('suggest on very long input (issue 15, finding 8)', () => {
  const zones = [...Intl.supportedValuesOf('timeZone'), 'UTC'];

  it('looks no further than SUGGEST_MAX_LENGTH characters: a megabyte is not compared with every zone', () => {
    let compared = 0;
    const counted = new Proxy(zones, {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^\d+$/.test(key)) compared += 1;
        return Reflect.get(target, key, receiver);
      },
    });
    expect(suggest(`Europe/${'x'.repeat(1024 * 1024)}`, counted)).toBeUndefined();
    expect(suggest(`Europe/Paris${'s'.repeat(SUGGEST_MAX_LENGTH)}`, counted)).toBeUndefined();
    expect(compared).toBe(0);
    expect(suggest('Europe/Pariss', counted)).toBe('Europe/Paris');
    expect(compared).toBeGreaterThan(0);
  });

  it('still suggests for input within the limit', () => {
    expect(suggest('Europe/Pariss', zones)).toBe('Europe/Paris');
    expect(suggest('America/New_Yrok', zones)).toBe('America/New_York');
  });
});
