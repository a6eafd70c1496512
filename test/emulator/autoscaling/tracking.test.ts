import { trackTarget } from '../../../emulator/autoscaling/tracking';

const base = { min: 1, max: 20, scaleOutAllowed: true, scaleInAllowed: true, target: 0.7 };

describe('trackTarget', () => {
  it('scales out in proportion to the excess, at least by one', () => {
    expect(trackTarget({ ...base, current: 10, observed: 1 })).toBe(15);
    expect(trackTarget({ ...base, current: 10, observed: 0.71 })).toBe(11);
  });

  it('scales in below 90 % of target, never under min or 1', () => {
    expect(trackTarget({ ...base, current: 10, observed: 0.35 })).toBe(5);
    expect(trackTarget({ ...base, current: 10, observed: 0.65 })).toBe(10);
    expect(trackTarget({ ...base, current: 10, observed: 0, min: 3 })).toBe(3);
  });

  it('stays within max and respects disabled directions', () => {
    expect(trackTarget({ ...base, current: 18, observed: 1 })).toBe(20);
    expect(trackTarget({ ...base, current: 10, observed: 1, scaleOutAllowed: false })).toBe(10);
    expect(trackTarget({ ...base, current: 10, observed: 0.1, scaleInAllowed: false })).toBe(10);
    expect(trackTarget({ ...base, current: 0, observed: 1 })).toBe(1);
  });
});
