import { TtlCache } from '../../../controller/observe/cache';

describe('TtlCache', () => {
  it('returns values until they expire (with at most a fifth of spread)', () => {
    const cache = new TtlCache<number>();
    cache.set('a', 1, 1000, 0);
    expect(cache.get('a', 999)).toBe(1);
    expect(cache.get('a', 1200)).toBeUndefined();
  });

  it('spreads expiries of entries cached together', () => {
    const cache = new TtlCache<number>();
    const keys = Array.from({ length: 50 }, (_, i) => `fn${i}`);
    for (const key of keys) cache.set(key, 1, 10_000, 0);
    const alive = keys.filter((key) => cache.get(key, 11_000) !== undefined).length;
    expect(alive).toBeGreaterThan(0);
    expect(alive).toBeLessThan(50);
  });

  it('loads once and caches only successes', async () => {
    const cache = new TtlCache<string>();
    let loads = 0;
    const load = async () => {
      loads += 1;
      if (loads === 1) throw new Error('flaky');
      return 'value';
    };
    await expect(cache.getOrLoad('k', 1000, 0, load)).rejects.toThrow('flaky');
    await expect(cache.getOrLoad('k', 1000, 0, load)).resolves.toBe('value');
    await expect(cache.getOrLoad('k', 1000, 10, load)).resolves.toBe('value');
    expect(loads).toBe(2);
  });

  it('evicts the oldest entry when full', () => {
    const cache = new TtlCache<number>(2);
    cache.set('a', 1, 1000, 0);
    cache.set('b', 2, 1000, 0);
    cache.set('c', 3, 1000, 0);
    expect(cache.get('a', 0)).toBeUndefined();
    expect(cache.size).toBe(2);
  });
});
