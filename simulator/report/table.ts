import { forecastOf } from '../strategies/forecast-tally';
import { formatCitation } from '../traces/citation';
import { forecastLine } from './forecast';
import { formatCount, formatMs, formatPercent, formatUsd } from './format';
import type { SimulationReport } from './report';
import { versusThermostat } from './versus';

/** Text columns padded to their widest cell: the first `left` aligned left (names), the rest right (numbers). */
export function padColumns(cells: readonly (readonly string[])[], left = 1): string {
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  return cells
    .map((row) => row.map((cell, c) => (c < left ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  '))
    .join('\n');
}

/** The plain-text result table, with the trace's attribution underneath. */
export function renderTable(report: SimulationReport): string {
  const reference = report.rows.find((row) => row.strategy === 'thermostat');
  const overheads = report.rows.some((row) => row.overheadUsd !== undefined);
  const header = ['strategy', 'cold', 'p75 fn cold', 'throttled', 'p99 added', 'cost'];
  if (overheads) header.push('overhead');
  header.push('pings', 'provisioned');
  if (reference) header.push('Thermostat cold', overheads ? 'Thermostat overhead' : 'Thermostat cost');
  const rows = report.rows.map((row) => {
    const cells = [
      row.strategy,
      formatPercent(row.coldShare),
      formatPercent(row.coldShareP75),
      formatPercent(row.throttleShare),
      formatMs(row.addedLatencyMs.p99),
      formatUsd(row.costUsd),
      ...(overheads ? [formatUsd(row.overheadUsd ?? 0)] : []),
      formatCount(row.pings.sent),
      row.provisioned.peak > 0 ? `${formatCount(row.provisioned.mean)} avg` : '–',
    ];
    if (reference) {
      const { cold, cost } = versusThermostat(reference, row);
      cells.push(cold, cost);
    }
    return cells;
  });
  const t = report.trace;
  return [
    `${t.name}: ${formatCount(t.invocations)} invocation${t.invocations === 1 ? '' : 's'} of ${t.functions} function${t.functions === 1 ? '' : 's'}, ${t.from} → ${t.to}`,
    `model: idle reclaim ${report.settings.idleReclaim}, max lifetime ${report.settings.maxLifetime}, proactive replacement ${report.settings.proactiveReplacement}, schedule phase ${report.settings.schedulePhase}, cold start ${report.settings.coldStart}, durations ${String(report.settings.durations).split(':')[0]}, seed ${report.settings.seed}`,
    '',
    padColumns([header, ...rows]),
    '',
    overheads
      ? 'overhead: the cost of warming, the row’s cost minus no warming’s (the functions’ own work, the same in every row, is most of every total).'
      : '',
    reference && overheads
      ? 'Thermostat columns: its cold share divided by the row’s (below ×1: fewer cold starts), and its overhead minus the row’s (below $0: it spends less on warming).'
      : reference
        ? 'Thermostat columns: Thermostat’s value divided by the row’s (below ×1: Thermostat is lower); run with the none strategy to compare warming overheads instead of totals.'
        : '',
    forecastLine(reference ? forecastOf(reference.facts) : undefined),
    formatCitation(t.citation),
    '',
  ]
    .filter((line, i, all) => !(line === '' && all[i - 1] === ''))
    .join('\n');
}
