import fc from 'fast-check';
import { allocateWhole, reservedHeadroom, targetPingCap, tickPool } from '../../../controller/plan';

describe('targetPingCap', () => {
  it('takes the smallest of the absolute cap, the account share and the reserved headroom', () => {
    expect(targetPingCap({ maxConcurrency: 40, maxShare: 0.1 }, { limit: 1000, unreserved: 500 }, 30)).toEqual({
      cap: 27,
      limitedBy: ['reserved concurrency 30 (3 kept for real traffic)'],
    });
    expect(targetPingCap({ maxConcurrency: 40, maxShare: 0.1 }, { limit: 1000, unreserved: 500 }, null)).toEqual({
      cap: 40,
      limitedBy: ['budget.maxConcurrency 40'],
    });
  });

  it('knows no cap without an absolute budget or account settings', () => {
    expect(targetPingCap({ maxShare: 0.2 }, undefined, 10).cap).toBeUndefined();
  });

  it('keeps at least one and at least a tenth of reserved concurrency free', () => {
    expect([1, 9, 10, 11, 100].map(reservedHeadroom)).toEqual([1, 1, 1, 2, 10]);
  });
});

describe('tickPool', () => {
  it('is a share of unreserved concurrency, unbounded when the account is unknown', () => {
    expect(tickPool({ limit: 1000, unreserved: 900 }, 0.2)).toBe(180);
    expect(tickPool(undefined, 0.2)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('allocateWhole', () => {
  it('grants whole requests in order while they fit, and the pool to one larger than all of it', () => {
    expect(allocateWhole([30, 30, 30, 5], 80)).toEqual([30, 30, 0, 5]);
    expect(allocateWhole([3, 4], Number.POSITIVE_INFINITY)).toEqual([3, 4]);
    expect(allocateWhole([500, 20], 80)).toEqual([0, 20]);
    expect(allocateWhole([500], 80)).toEqual([80]);
  });

  it('never grants more than asked or than the pool, and each request whole or not at all', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 3000 }),
        (requests, pool) => {
          const granted = allocateWhole(requests, pool);
          expect(granted.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(pool);
          const partial = granted.filter((g, i) => g > 0 && g < requests[i]);
          // Only a request larger than the whole pool is ever cut, and only when it is the sole grant.
          expect(partial.length).toBeLessThanOrEqual(1);
          if (partial.length === 1) expect(granted.filter((g) => g > 0)).toEqual([pool]);
          for (const [i, g] of granted.entries()) expect(g).toBeLessThanOrEqual(requests[i]);
        },
      ),
    );
  });
});
