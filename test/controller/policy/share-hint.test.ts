import fc from 'fast-check';
import { shareHint } from '../../../controller/policy/share-hint';

describe('shareHint', () => {
  it('turns a share written as a percentage into the fraction, without binary noise', () => {
    expect(shareHint(99.9)).toBe('; write 0.999 for 99.9%');
    expect(shareHint(70)).toBe('; write 0.7 for 70%');
    expect(shareHint(0.07)).toBe('');
    expect(shareHint(1)).toBe('');
    expect(shareHint(250)).toBe('');
    expect(shareHint('70')).toBe('');
  });

  it('writes a fraction that parses back to the percentage over 100', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_001, max: 100_000 }), (thousandths) => {
        const percent = thousandths / 1000;
        const written = /write (\S+) for/.exec(shareHint(percent))?.[1];
        expect(written).toBeDefined();
        expect(written!.length).toBeLessThanOrEqual(9);
        expect(Number(written)).toBeCloseTo(percent / 100, 12);
      }),
    );
  });
});
