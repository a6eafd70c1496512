/**
 * Each strategy's warming overhead: its cost minus the cost of no warming on the same trace, or undefined when the
 * run has no `none` strategy. The functions' own work is the same for every strategy and most of every total, so
 * totals hide a doubled warming bill (every warmer would read ×1.00); warming is compared by what it adds.
 */
export function warmingOverheads(
  results: ReadonlyArray<{ readonly strategy: string; readonly costUsd: number }>,
): Map<string, number> | undefined {
  const none = results.find((result) => result.strategy === 'none');
  if (none === undefined) return undefined;
  return new Map(results.map((result) => [result.strategy, result.costUsd - none.costUsd]));
}
