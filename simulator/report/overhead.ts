import type { SimulationReport } from './report';

/**
 * Each strategy's warming overhead: its cost minus the cost of no warming on the same trace, or undefined when the
 * run has no `none` row. The functions' own work is the same in every row and most of every total, so totals hide
 * a doubled warming bill (every warmer would read ×1.00); warming is compared by what it adds.
 */
export function warmingOverheads(rows: SimulationReport['rows']): Map<string, number> | undefined {
  const none = rows.find((row) => row.strategy === 'none');
  if (none === undefined) return undefined;
  return new Map(rows.map((row) => [row.strategy, row.costUsd - none.costUsd]));
}
