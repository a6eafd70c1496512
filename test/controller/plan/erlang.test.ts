import fc from 'fast-check';
import { coldShare, environmentsFor, loadFillingFirst, marginalUtilisation } from '../../../controller/plan/erlang';

describe("Erlang's loss formula", () => {
  it('gives the known blocking of small pools', () => {
    // B(1, a) = a / (1 + a); B(2, 1) = 1/5
    expect(coldShare(1, 1.5)).toBeCloseTo(0.6, 12);
    expect(coldShare(2, 1)).toBeCloseTo(0.2, 12);
    expect(coldShare(3, 0)).toBe(0);
    expect(environmentsFor(1, 0.99, 10)).toBe(5);
  });

  it('finds the load at which a first environment is busy a given share of the time', () => {
    expect(loadFillingFirst(0.6)).toBeCloseTo(1.5, 12);
    expect(loadFillingFirst(0.5)).toBeCloseTo(1, 12);
    expect(loadFillingFirst(0)).toBe(0);
    expect(loadFillingFirst(1)).toBe(Number.POSITIVE_INFINITY);
    fc.assert(
      fc.property(fc.double({ min: 0.01, max: 0.99, noNaN: true }), (share) => {
        const load = loadFillingFirst(share);
        expect(marginalUtilisation(1, load)).toBeCloseTo(share, 9);
        // below that load the first environment is less busy
        expect(marginalUtilisation(1, load * 0.99)).toBeLessThan(share);
      }),
    );
  });
});
