/** Number formats shared by the terminal tables and the HTML report, so both say the same thing. */

export function ratioText(value: number | null): string {
  return value === null ? '–' : `${(value * 100).toFixed(1)}%`;
}

/** Ping costs are fractions of a cent: show two significant digits rather than "$0.00". */
export function formatUsd(value: number): string {
  if (value === 0) return '$0';
  return value < 0.01 ? `$${value.toPrecision(2)}` : `$${value.toFixed(2)}`;
}
