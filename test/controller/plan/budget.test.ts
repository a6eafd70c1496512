import fc from 'fast-check';
import { allocateFairly, reservedHeadroom, targetPingCap, tickPool } from '../../../controller/plan';

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

describe('allocateFairly', () => {
  it('serves small requests in full and splits the rest evenly', () => {
    expect(allocateFairly([100, 5, 100], 60)).toEqual([28, 5, 27]);
    expect(allocateFairly([3, 4], 100)).toEqual([3, 4]);
    expect(allocateFairly([3, 4], Number.POSITIVE_INFINITY)).toEqual([3, 4]);
  });

  it('never grants more than asked or than the pool, and wastes nothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { maxLength: 30 }),
        fc.integer({ min: 0, max: 3000 }),
        (requests, pool) => {
          const granted = allocateFairly(requests, pool);
          const total = granted.reduce((a, b) => a + b, 0);
          const asked = requests.reduce((a, b) => a + b, 0);
          granted.forEach((g, i) => {
            expect(g).toBeGreaterThanOrEqual(0);
            expect(g).toBeLessThanOrEqual(requests[i]);
          });
          expect(total).toBe(Math.min(pool, asked));
          // Max-min fairness: whoever got less than asked got at least as much as anyone else, minus rounding.
          const max = Math.max(0, ...granted);
          granted.forEach((g, i) => {
            if (g < requests[i]) expect(g).toBeGreaterThanOrEqual(max - 1);
          });
        },
      ),
    );
  });
});
