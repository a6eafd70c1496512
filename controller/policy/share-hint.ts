/**
 * The fix for a share written as a percentage (95 for 95%), the usual slip, for the policy's messages and the
 * construct's: empty unless `value` reads as a percentage. The fraction is rounded to 12 significant digits, so 99.9
 * becomes 0.999, not 0.9990000000000001.
 */
export function shareHint(value: unknown): string {
  if (typeof value !== 'number' || !(value > 1 && value <= 100)) return '';
  return `; write ${Number((value / 100).toPrecision(12))} for ${value}%`;
}
