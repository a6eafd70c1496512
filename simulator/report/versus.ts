import { formatRatio, formatUsdChange } from './format';
import type { ReportRow } from './report';

/**
 * How Thermostat (`reference`) compares with `row`, for the table and the HTML report: its cold share divided by the
 * row's (below ×1, fewer cold starts), and its warming overhead minus the row's (below $0, it spends less on
 * warming; none on its own row) — or, without a `none` run to measure warming from, its total cost divided by the
 * row's.
 */
export function versusThermostat(
  reference: ReportRow,
  row: ReportRow,
): { readonly cold: string; readonly cost: string } {
  const cold = formatRatio(reference.coldShare, row.coldShare);
  if (reference.overheadUsd === undefined || row.overheadUsd === undefined)
    return { cold, cost: formatRatio(reference.costUsd, row.costUsd) };
  return { cold, cost: row === reference ? '–' : formatUsdChange(reference.overheadUsd - row.overheadUsd) };
}
