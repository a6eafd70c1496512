/** Number formats shared by the text table and the HTML report. */

export function formatPercent(share: number): string {
  if (share === 0) return '0%';
  const percent = share * 100;
  if (percent < 0.01) return '<0.01%';
  if (percent < 1) return `${percent.toFixed(2)}%`;
  if (percent < 10) return `${percent.toFixed(1)}%`;
  return `${percent.toFixed(0)}%`;
}

export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  if (usd < 0.01) return `$${usd.toFixed(5)}`;
  if (usd < 100) return `$${usd.toFixed(3)}`;
  return `$${usd.toFixed(0)}`;
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
