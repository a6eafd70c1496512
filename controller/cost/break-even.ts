import { type Architecture, onDemandRate, PRICES, type PriceBook } from './prices';

/** 730 hours, the month AWS uses in its pricing examples. */
export const MONTH_MS = 730 * 3_600_000;

/**
 * Utilisation above which provisioned concurrency is cheaper than on-demand for the same busy time:
 * PC wins when pcRate + u·pcDurationRate < u·onDemandRate, i.e. u* = pcRate / (onDemandRate − pcDurationRate).
 * 0.600 on both architectures at first-tier us-east-1 prices (the "about 60 %" AWS people quote).
 */
export function breakEvenUtilisation(architecture: Architecture, prices: PriceBook = PRICES): number {
  const sheet = prices[architecture];
  const saving = onDemandRate(sheet) - sheet.provisionedDurationPerGbSecond;
  return saving > 0 ? sheet.provisionedPerGbSecond / saving : Number.POSITIVE_INFINITY;
}
