/**
 * The one statistics helper of the project: nearest-rank percentiles, used by the demand model, the simulator's
 * results and the demo's report alike, so a "99th percentile" means the same everywhere.
 */

/** Nearest-rank percentile of values sorted ascending (p in 0..1); 0 for none. */
export function percentileOfSorted(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1];
}

/** Nearest-rank percentile of values in any order (p in 0..1); 0 for none. */
export function percentile(values: readonly number[], p: number): number {
  return percentileOfSorted(
    [...values].sort((a, b) => a - b),
    p,
  );
}
