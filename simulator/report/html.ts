import { forecastOf } from '../strategies/forecast-tally';
import {
  CHART_STYLE,
  downsample,
  escapeXml,
  lineChart,
  MARKERS,
  type Marker,
  markerShape,
  type Point,
  scatterChart,
  stackedBars,
  tickLabels,
  timeTicks,
} from './chart';
import { forecastLine } from './forecast';
import { formatCount, formatMs, formatPercent, formatUsd } from './format';
import type { SimulationReport } from './report';
import { versusThermostat } from './versus';

const COLORS: Record<string, string> = {
  none: '#7f7f7f',
  'serverless-plugin-warmup': '#d62728',
  'lambda-warmer': '#ff7f0e',
  'static-pc': '#8c564b',
  'scheduled-pc': '#9467bd',
  'aas-target-tracking': '#e377c2',
  thermostat: '#1f77b4',
  oracle: '#2ca02c',
};
const FALLBACK = ['#17becf', '#bcbd22', '#393b79', '#637939'];
const colorOf = (strategy: string, i: number) => COLORS[strategy] ?? FALLBACK[i % FALLBACK.length];
/** A shape per strategy as well as a colour, so points that differ only in hue are still told apart. */
const SHAPES: Record<string, Marker> = {
  none: 'cross',
  'serverless-plugin-warmup': 'triangle',
  'lambda-warmer': 'triangle-down',
  'static-pc': 'square',
  'scheduled-pc': 'diamond',
  'aas-target-tracking': 'plus',
  thermostat: 'circle',
  oracle: 'ring',
};
const markerOf = (strategy: string, i: number): Marker => SHAPES[strategy] ?? MARKERS[i % MARKERS.length]!;
/** The strategy's marker, inline, for the tables. */
const swatch = (strategy: string, i: number) =>
  `<svg class="swatch" width="14" height="14" aria-hidden="true">${markerShape(markerOf(strategy, i), 7, 7, 5, colorOf(strategy, i))}</svg>`;

const COST_PARTS = [
  ['requests', 'requests', '#4e79a7'],
  ['duration', 'on-demand duration', '#59a14f'],
  ['billedInit', 'billed INIT', '#e15759'],
  ['provisioned', 'provisioned capacity', '#b07aa1'],
  ['provisionedDuration', 'duration on provisioned', '#f28e2b'],
  ['pings', 'pings', '#edc948'],
  ['controller', 'controller / warmer', '#76b7b2'],
  ['observation', 'metrics read', '#ff9da7'],
  ['state', 'state table', '#9c755f'],
  ['logs', 'logs', '#bab0ac'],
] as const;

const e = escapeXml;
const MAX_POINTS = 480;
/** Trace time is virtual and starts at a UTC midnight (`--start`), so the charts read it in UTC. */
const TIME_ZONE = 'UTC';

/**
 * A self-contained HTML page: inline CSS and SVG, no script, no external resource. It carries the trace's
 * attribution (the Azure traces are CC BY 4.0) next to the results.
 */
export function renderHtml(report: SimulationReport): string {
  const { trace, rows } = report;
  const reference = rows.find((row) => row.strategy === 'thermostat');
  const forecast = reference ? forecastOf(reference.facts) : undefined;
  const overheads = rows.some((row) => row.overheadUsd !== undefined);
  const versus = (row: (typeof rows)[number]) => {
    if (!reference) return '';
    const { cold, cost } = versusThermostat(reference, row);
    return `<td>${cold} / ${cost}</td>`;
  };
  const citation = trace.citation;

  const table = `<div class="table-scroll"><table>
<thead><tr><th>strategy</th><th>cold share</th><th>p75 per-function cold share</th><th>throttled</th><th>p50 / p99 added latency</th><th>cost</th>${overheads ? '<th>warming overhead</th>' : ''}<th>pings</th><th>mean provisioned</th>${reference ? `<th>Thermostat cold / ${overheads ? 'overhead' : 'cost'} vs this</th>` : ''}</tr></thead>
<tbody>${rows
    .map(
      (row, i) =>
        `<tr><td>${swatch(row.strategy, i)}${e(row.label)}</td><td>${formatPercent(row.coldShare)}</td><td>${formatPercent(row.coldShareP75)}</td><td>${formatPercent(row.throttleShare)}</td><td>${formatMs(row.addedLatencyMs.p50)} / ${formatMs(row.addedLatencyMs.p99)}</td><td>${formatUsd(row.costUsd)}</td>${overheads ? `<td>${formatUsd(row.overheadUsd ?? 0)}</td>` : ''}<td>${formatCount(row.pings.sent)}</td><td>${row.provisioned.mean.toFixed(1)}</td>${versus(row)}</tr>`,
    )
    .join('\n')}</tbody></table></div>`;

  const costTable = `<div class="table-scroll"><table>
<thead><tr><th>strategy</th>${COST_PARTS.map(([, name]) => `<th>${e(name)}</th>`).join('')}<th>total</th></tr></thead>
<tbody>${rows
    .map(
      (row) =>
        `<tr><td>${e(row.label)}</td>${COST_PARTS.map(([key]) => `<td>${formatUsd(row.cost[key])}</td>`).join('')}<td><b>${formatUsd(row.costUsd)}</b></td></tr>`,
    )
    .join('\n')}</tbody></table></div>`;

  const scatter = scatterChart({
    title: `Cold share against ${overheads ? 'warming overhead' : 'cost'} (one point per strategy)`,
    points: rows.map((row, i) => ({
      label: row.label,
      colour: colorOf(row.strategy, i),
      marker: markerOf(row.strategy, i),
      x: row.overheadUsd ?? row.costUsd,
      y: row.coldShare,
    })),
    xLabel: overheads ? 'warming overhead (USD): cost minus no warming’s' : 'cost (USD)',
    yLabel: 'cold share of user requests',
    formatX: formatUsd,
    formatY: formatPercent,
    xTickLabels: (ticks) => tickLabels(ticks, { prefix: '$' }),
    yTickLabels: (ticks) => tickLabels(ticks, { scale: 100, suffix: '%' }),
  });

  const bars = stackedBars({
    title: 'Cost breakdown',
    bars: rows.map((row) => ({
      label: row.strategy,
      parts: COST_PARTS.map(([key, name, colour]) => ({ name, value: row.cost[key], colour })),
    })),
    format: formatUsd,
  });

  const t = report.series.t;
  const series = (
    pick: (s: SimulationReport['series']['strategies'][string]) => readonly number[],
    mode: 'max' | 'sum',
  ) =>
    rows.map((row, i) => {
      const s = report.series.strategies[row.strategy];
      const down = downsample(t, s ? pick(s) : [], MAX_POINTS, mode);
      return {
        name: row.label,
        colour: colorOf(row.strategy, i),
        marker: markerOf(row.strategy, i),
        // About a dozen markers per line: enough to tell lines that run together apart.
        markerEvery: Math.max(1, Math.ceil(down.t.length / 12)),
        points: down.t.map((at, j): Point => [at, down.values[j]!]),
      };
    });
  const from = t[0] ?? 0;
  const to = Math.max(t[t.length - 1] ?? 0, from + 1);
  const overTime = {
    xDomain: [from, to] as const,
    xTicks: timeTicks(from, to, { timeZone: TIME_ZONE }),
    xLabel: `time (${TIME_ZONE})`,
    width: 820,
    height: 280,
  };
  const capacityChart = lineChart({
    title: 'Environments over time (on-demand alive + provisioned allocated, max per point)',
    series: series((s) => s.environments.map((v, i) => v + s.provisioned[i]!), 'max'),
    yLabel: 'environments',
    integer: true,
    ...overTime,
  });
  const coldChart = lineChart({
    title: 'Cold starts of user requests over time (sum per point)',
    series: series((s) => s.cold, 'sum'),
    yLabel: 'cold starts',
    integer: true,
    ...overTime,
  });

  const settings = Object.entries(report.settings)
    .map(([k, v]) => `<tr><th>${e(k)}</th><td>${e(String(v))}</td></tr>`)
    .join('');
  const strategies = rows
    .map((row) => {
      const facts = Object.entries(row.facts)
        .map(([k, v]) => `${e(k)} ${e(typeof v === 'number' && !Number.isInteger(v) ? v.toFixed(3) : String(v))}`)
        .join(', ');
      return `<li><b>${e(row.label)}</b>: ${e(row.summary)}${facts ? ` <span class="facts">(${facts})</span>` : ''}</li>`;
    })
    .join('\n');

  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Thermostat simulation: ${e(trace.name)}</title>
<style>
body{font:14px/1.45 system-ui,-apple-system,Segoe UI,sans-serif;margin:2rem auto;max-width:1100px;padding:0 1rem;color:#222;overflow-wrap:anywhere}
.table-scroll{overflow-x:auto;max-width:100%}.table-scroll table{overflow-wrap:normal}.table-scroll td,.table-scroll th{white-space:nowrap}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%;margin:.5rem 0;font-variant-numeric:tabular-nums}
th,td{border-bottom:1px solid #ddd;padding:.3rem .4rem;text-align:right}th:first-child,td:first-child{text-align:left}
.settings th{text-align:left;font-weight:normal;color:#555;width:35%}.settings td{text-align:left}
.swatch{vertical-align:middle;margin-right:.4rem}
.citation{background:#f5f5f5;border-left:3px solid #999;padding:.6rem .8rem;font-size:.9rem}
.facts{color:#666;font-size:.85rem}
${CHART_STYLE}</style></head><body>
<h1>Thermostat simulation: ${e(trace.name)}</h1>
<p>${formatCount(trace.invocations)} invocation${trace.invocations === 1 ? '' : 's'} of ${trace.functions} function${trace.functions === 1 ? '' : 's'} (${e(trace.format)}), ${e(trace.from)} → ${e(trace.to)} in virtual time; ${e(trace.arrivalRule)}.</p>
<div class="citation"><b>Data:</b> ${e(citation.dataset)} (${e(citation.description)}).<br>${e(citation.paper)}<br>${e(citation.licence)}.</div>
<h2>Results</h2>
${table}
${
  overheads
    ? '<p>Warming overhead: a row’s cost minus the cost of no warming on the same trace (the functions’ own work, the same in every row, is most of every total and would hide the difference).</p>'
    : ''
}${
  reference && overheads
    ? '<p>The last column: Thermostat’s cold share divided by the row’s (below ×1, fewer cold starts), and its warming overhead minus the row’s (below $0, it spends less on warming).</p>'
    : reference
      ? '<p>The last column divides Thermostat’s cold share and cost by the row’s: below ×1, Thermostat is lower. Include the none strategy to compare warming overheads instead of totals.</p>'
      : ''
}${forecast ? `<p>${e(forecastLine(forecast))}</p>` : ''}
${scatter}
<h2>Cost</h2>
${bars}
${costTable}
<h2>Over time</h2>
${capacityChart}
${coldChart}
<h2>Strategies</h2>
<ul>${strategies}</ul>
<h2>Model</h2>
<table class="settings">${settings}<tr><th>policies naming a trace function</th><td>${report.policies.named}</td></tr></table>
<p>Environments: one request at a time each, most recently idle reused first, reclaimed after the idle time above (drawn per idle period), retired at the maximum lifetime. Provisioned environments are served first, with spillover. Costs are first-tier us-east-1 prices without free tier. Every number is a model, not a measurement of AWS.</p>
<div class="citation">${e(citation.dataset)} — ${e(citation.paper)} ${e(citation.licence)}.</div>
</body></html>
`;
}
