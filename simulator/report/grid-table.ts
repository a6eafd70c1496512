import { DOMINANCE_OVERHEAD_SHARE, type GridPoint, gridPointName, pluginDefaultOf, type runGrid } from '../grid';
import { overheadItems } from '../overhead';
import { formatCitation } from '../traces/citation';
import type { Trace } from '../traces/types';
import { forecastLine } from './forecast';
import { formatCount, formatPercent, formatUsd } from './format';
import { padColumns } from './table';

type GridResult = ReturnType<typeof runGrid>;

/** `thermostat simulate --grid`: every grid point beside Thermostat under the user's policies, and the verdict. */
export function renderGrid(trace: Trace, result: GridResult): string {
  const own = result.rows.find((row) => row.strategy === 'thermostat')!;
  const plugin = pluginDefaultOf(result.rows)!;
  const dominating = new Set(result.verdict.dominatedBy);
  const header = ['strategy', 'setting', 'cold', 'p75 fn cold', 'overhead', 'pings', 'dominates Thermostat'];
  const rows = result.rows.map((row) => [
    row.strategy,
    row.setting,
    formatPercent(row.coldShare),
    formatPercent(row.coldShareP75),
    formatUsd(row.overheadUsd),
    formatCount(row.pings),
    row === own || row.strategy === 'oracle' ? '–' : dominating.has(gridPointName(row)) ? 'yes' : 'no',
  ]);
  const { dominatedBy, warmerThanPluginDefault, cheaperThanPluginDefault } = result.verdict;
  const verdict = [
    dominatedBy.length === 0
      ? 'Verdict: Thermostat is not dominated by any grid point'
      : `Verdict: Thermostat is dominated by ${dominatedBy.join(', ')}`,
    `; against serverless-plugin-warmup's default (5 minutes, concurrency 1): ${warmerThanPluginDefault ? 'at least as warm' : 'colder'} (${formatPercent(own.coldShare)} vs ${formatPercent(plugin.coldShare)} cold) at ${cheaperThanPluginDefault ? 'no more' : 'more'} overhead (${formatUsd(own.overheadUsd)} vs ${formatUsd(plugin.overheadUsd)}).`,
  ].join('');
  const none = result.rows.find((row) => row.strategy === 'none')!;
  const where = (row: GridPoint) =>
    overheadItems(row.cost, none.cost)
      .map(([label, value]) => `${label} ${formatUsd(value)}`)
      .join(', ') || 'nothing';
  return [
    `${trace.name}: ${formatCount(trace.invocations)} invocation${trace.invocations === 1 ? '' : 's'} of ${trace.functions.length} function${trace.functions.length === 1 ? '' : 's'}; each point the mean of ${result.seeds.length} run${result.seeds.length === 1 ? '' : 's'} (seed${result.seeds.length === 1 ? '' : 's'} ${result.seeds.join(', ')})`,
    '',
    padColumns([header, ...rows], 2),
    '',
    verdict,
    `Where the overhead goes: Thermostat ${where(own)}; serverless-plugin-warmup's default ${where(plugin)}.`,
    ...(own.forecast ? [forecastLine(own.forecast)] : []),
    `overhead: the cost of warming, a point's cost minus no warming's. A point dominates Thermostat when it is at least as warm with under ${Math.round(DOMINANCE_OVERHEAD_SHARE * 100)}% of Thermostat's overhead.`,
    formatCitation(trace.citation),
    '',
  ].join('\n');
}
