import { PingPool } from '../../../controller/act/ping-pool';

describe('PingPool', () => {
  it('grants from the allowance first, then from what others left, never more than the pool', () => {
    const pool = new PingPool(
      40,
      new Map([
        ['a', 2],
        ['b', 19],
        ['c', 19],
      ]),
    );
    // b needs less than its share: the rest goes back at once
    expect(pool.take('b', 5)).toBe(5);
    // c asks for more than its share and gets b's leftover
    expect(pool.take('c', 40)).toBe(33);
    // a was skipped: its 2 return, and a target with no allowance (a provisioned fallback) draws on them
    pool.release('a');
    expect(pool.take('fallback', 10)).toBe(2);
    expect(pool.take('late', 1)).toBe(0);
  });

  it('never limits when the account is unknown', () => {
    const pool = new PingPool(Number.POSITIVE_INFINITY, new Map([['a', 3]]));
    expect(pool.take('a', 500)).toBe(500);
    expect(pool.take('b', 500)).toBe(500);
  });
});
