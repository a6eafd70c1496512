/** Number formats shared by the text table and the HTML report. */

/** `value` with `digits` significant digits, in plain notation (never "1e-7"). */
export function significant(value: number, digits = 2): string {
  if (value === 0 || !Number.isFinite(value)) return String(value);
  const magnitude = Math.floor(Math.log10(Math.abs(value)));
  let decimals = Math.min(20, Math.max(0, digits - 1 - magnitude));
  // 9.96 to two digits is 10, not 10.0.
  if (decimals > 0 && Math.floor(Math.log10(Math.abs(Number(value.toFixed(decimals))))) > magnitude) decimals--;
  return value.toFixed(decimals);
}

/**
 * A share as a percentage: two significant digits below 10% (so a busy trace's 0.0034% stays a number, not
 * "<0.01%"), whole percents above.
 */
export function formatPercent(share: number): string {
  if (share === 0) return '0%';
  const percent = share * 100;
  if (percent >= 10) return `${percent.toFixed(0)}%`;
  return `${significant(percent, 2)}%`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0) return `−${formatUsd(-usd)}`;
  if (usd < 0.01) return `$${significant(usd, 2)}`;
  if (usd < 100) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(0)}`;
}

/** A difference in dollars, signed: "+$0.00008", "−$0.024", "$0". */
export function formatUsdChange(usd: number): string {
  return usd > 0 ? `+${formatUsd(usd)}` : formatUsd(usd);
}

export function formatMs(ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)} M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)} k`;
  return String(Math.round(n));
}

/** "×1.30" style ratio of a value against a reference; "–" when the reference is 0. */
export function formatRatio(value: number, reference: number): string {
  if (reference === 0) return value === 0 ? '×1' : '–';
  const ratio = value / reference;
  return ratio >= 100 ? `×${ratio.toFixed(0)}` : `×${ratio.toFixed(2)}`;
}
