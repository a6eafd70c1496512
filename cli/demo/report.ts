import {
  type Band,
  CHART_STYLE,
  type ChartSpec,
  escapeXml,
  lineChart,
  type Point,
  type Series,
} from '../../simulator/report/chart';
import { clockLabel, describeCompression, storyHour } from './compression';
import { formatUsd, ratioText } from './format';
import { colourOf, markerOf } from './palette';
import type { DemoRecord } from './record';
import { COPIES } from './record';
import { bucketed, type CopySummary, summarise, warmRatio } from './stats';
import { headline } from './table';

export interface ReportOptions {
  readonly generatedAt: Date;
  /**
   * Spans of the story day to shade, in story hours, labelled `<function>: <what>` (a policy window, a burst): all
   * of them on the shared charts, each function's own on its warm-ratio chart.
   */
  readonly bands?: readonly Band[];
  /** Extra lines under the title, e.g. which policies managed the functions. */
  readonly notes?: readonly string[];
}

/** Story-hour buckets for the per-bucket series: one per story hour reads well and keeps counts meaningful. */
const BUCKETS = 24;

const X_TICKS = [0, 3, 6, 9, 12, 15, 18, 21, 24].map((h) => ({ at: h, label: h === 24 ? '24:00' : clockLabel(h) }));
const percent = (v: number) => `${Math.round(v * 100)}%`;

function summaryTable(rows: readonly CopySummary[]): string {
  const head = [
    'Function',
    'Copy',
    'Requests',
    'Cold starts',
    'Warm ratio',
    'p50 added',
    'p99 added',
    'Pings',
    'Ping cost (est.)',
  ];
  const body = rows
    .map(
      (r) =>
        `<tr class="${r.copy}"><td>${escapeXml(r.fn)}</td><td>${r.copy}</td><td>${r.requests}</td><td>${r.coldStarts}</td>` +
        `<td>${ratioText(r.warmRatio)}</td><td>${Math.round(r.p50AddedMs)} ms</td><td>${Math.round(r.p99AddedMs)} ms</td>` +
        `<td>${r.copy === 'managed' ? r.pings : '–'}</td><td>${r.copy === 'managed' ? formatUsd(r.pingCostUsd) : '–'}</td></tr>`,
    )
    .join('');
  return `<div class="table-scroll"><table class="summary"><thead><tr>${head.map((h) => `<th>${h}</th>`).join('')}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A line chart across the story day, with the report's hour ticks. */
function dayChart(spec: Omit<ChartSpec, 'xDomain' | 'xTicks'>): string {
  return lineChart({ ...spec, xDomain: [0, 24], xTicks: X_TICKS });
}

/** Story hour at the middle of each bucket. */
const CENTRES = Array.from({ length: BUCKETS }, (_, i) => ((i + 0.5) * 24) / BUCKETS);

/** Every chart of the report, in order, as HTML fragments. */
export function reportCharts(record: DemoRecord, bands: readonly Band[] = []): string[] {
  const charts: string[] = [];
  const hours = CENTRES;
  const hour = (atMs: number) => storyHour(record.settings, atMs);
  /** About a dozen markers per line, so lines that run together are still told apart by shape. */
  const sparse = (points: readonly Point[]) => Math.max(1, Math.ceil(points.length / 12));
  // Counts that hold until the next sample (pings per tick, provisioned per snapshot), one line per function.
  const stepsPerFunction = (points: (fn: string) => Point[]): Series[] =>
    record.functions.map((fn, index) => {
      const p = points(fn);
      return {
        name: fn,
        points: p,
        colour: colourOf(index),
        marker: markerOf(index),
        markerEvery: sparse(p),
        step: true,
      };
    });

  record.functions.forEach((fn, index) => {
    const series: Series[] = COPIES.map((copy) => {
      const ratios = bucketed(record, BUCKETS, warmRatio, (s) => s.fn === fn && s.copy === copy);
      return {
        name: `${fn} (${copy})`,
        points: ratios.map((r, i): Point => [hours[i]!, r]),
        colour: colourOf(index, copy),
        marker: markerOf(index, copy),
        dashed: copy === 'unmanaged',
        markers: true,
      };
    });
    charts.push(
      dayChart({
        title: `Warm ratio over time: ${fn}, managed vs left alone (per story hour)`,
        yLabel: 'warm ratio',
        series,
        yMax: 1,
        yFormat: percent,
        // Only this function's windows and bursts: the others' would only clutter its chart.
        bands: bands.filter((band) => band.label.startsWith(`${fn}:`)),
      }),
    );
  });

  charts.push(
    dayChart({
      title: 'Requests per story hour (identical for both copies)',
      yLabel: 'requests',
      integer: true,
      series: record.functions.map((fn, index) => ({
        name: fn,
        points: bucketed(
          record,
          BUCKETS,
          (s) => s.length,
          (s) => s.fn === fn && s.copy === 'managed',
        ).map((n, i): Point => [hours[i]!, n]),
        colour: colourOf(index),
        marker: markerOf(index),
        markers: true,
      })),
      bands,
    }),
  );

  charts.push(
    dayChart({
      title: 'Execution environments over time',
      yLabel: 'environments',
      integer: true,
      series: record.functions.flatMap((fn, index) =>
        COPIES.map((copy) => {
          const points = record.snapshots.map((s): Point => [hour(s.atMs), s.environments[fn]?.[copy] ?? 0]);
          return {
            name: `${fn} (${copy})`,
            points,
            colour: colourOf(index, copy),
            marker: markerOf(index, copy),
            markerEvery: sparse(points),
            dashed: copy === 'unmanaged',
            step: true,
          };
        }),
      ),
      bands,
    }),
  );

  charts.push(
    dayChart({
      title: 'Warm-up pings per controller tick (managed copies)',
      yLabel: 'pings',
      integer: true,
      series: stepsPerFunction((fn) => record.ticks.map((t): Point => [hour(t.atMs), t.pings[fn] ?? 0])),
      bands,
    }),
  );

  charts.push(
    dayChart({
      title: 'Provisioned concurrency over time (managed copies)',
      yLabel: 'provisioned',
      integer: true,
      series: stepsPerFunction((fn) => record.snapshots.map((s): Point => [hour(s.atMs), s.provisioned[fn] ?? 0])),
      bands,
    }),
  );
  return charts;
}

const STYLE = `
:root { color-scheme: light dark; --fg: #1d232a; --muted: #5b6670; --bg: #ffffff; --card: #f5f7f9; --grid: #d9dee3; --band: rgba(0, 114, 178, 0.08); }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e9ec; --muted: #9aa5ae; --bg: #14181c; --card: #1d2227; --grid: #323a42; --band: rgba(86, 180, 233, 0.12); } }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); margin: 0 auto; max-width: 1120px; padding: 24px; overflow-wrap: anywhere; }
@media (max-width: 600px) { body { padding: 12px; } }
p.headline { font-size: 1.15em; font-weight: 600; margin: 12px 0; padding: 10px 12px; background: var(--card); border-radius: 8px; }
.table-scroll { overflow-x: auto; max-width: 100%; }
.table-scroll table { overflow-wrap: normal; }
.table-scroll th, .table-scroll td { white-space: nowrap; }
h1 { font-size: 1.5em; margin: 0 0 4px; } h2 { font-size: 1.15em; margin: 28px 0 8px; }
p.note { color: var(--muted); margin: 2px 0; }
table.summary { border-collapse: collapse; width: 100%; font-variant-numeric: tabular-nums; }
table.summary th, table.summary td { text-align: right; padding: 4px 8px; border-bottom: 1px solid var(--grid); }
table.summary th:nth-child(-n+2), table.summary td:nth-child(-n+2) { text-align: left; }
tr.managed td:first-child { font-weight: 600; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(520px, 100%), 1fr)); gap: 16px; }
.charts > * { min-width: 0; }
${CHART_STYLE}
.charts figure.chart-figure { margin: 0; }
`;

/** The whole report: one HTML file with inline CSS and SVG, nothing fetched. */
export function renderReport(record: DemoRecord, options: ReportOptions): string {
  const rows = summarise(record);
  const notes = [describeCompression(record.settings), ...(options.notes ?? [])];
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    // Nothing to fetch: a strict policy makes that a property of the file, not just a habit.
    `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`,
    '<title>Thermostat demo report</title>',
    `<style>${STYLE}</style></head><body>`,
    '<h1>Thermostat demo: managed vs left alone</h1>',
    `<p class="headline">${escapeXml(headline(record))}</p>`,
    `<p class="note">Generated ${escapeXml(options.generatedAt.toISOString())}. Each function runs twice in the local emulator: one copy managed by the real controller, one left alone; both receive identical traffic.</p>`,
    ...notes.map((n) => `<p class="note">${escapeXml(n)}</p>`),
    '<h2>Summary</h2>',
    summaryTable(rows),
    '<p class="note">Added latency is the init duration a cold start added to a request (0 for a warm request); percentiles are over all requests. Ping cost is estimated from Lambda on-demand prices.</p>',
    '<h2>Over the day</h2>',
    `<div class="charts">${reportCharts(record, options.bands).join('')}</div>`,
    '</body></html>',
    '',
  ].join('\n');
}
