import { createHash, createHmac } from 'node:crypto';
import type { MetricsApi } from '../../controller/aws/ports';
import {
  type MetricReadPlan,
  type MetricStatistic,
  type MetricUsage,
  type MetricWindow,
  type MinuteMetrics,
  planMetricRead,
  type ReadOptions,
  readMinuteMetrics,
  seriesKey,
} from '../../controller/observe/minute-metrics';
import type { DurationSummary, TraceFunctionRecord } from '../../simulator/traces/azure2019-writer';
import type { SelectedFunction } from './trace-select';

/**
 * What `thermostat trace export` reads from CloudWatch, and how it turns it into an Azure 2019 trace.
 *
 * Two reads, both billed per metric requested:
 * - per minute: `Invocations` Sum (the trace's counts) and `ConcurrentExecutions` Maximum (kept beside the trace);
 * - over the whole window, one data point each: `Duration` Average, Minimum, Maximum and p1/p25/p50/p75/p99. The
 *   2019 format holds one duration distribution per function, and CloudWatch computes a percentile over a period
 *   from every invocation in it, so one long period gives the exact distribution at the price of per-minute ones
 *   (the same number of metrics) with 1/20,160 of the data points.
 */

export const PER_MINUTE: readonly MetricStatistic[] = [
  { metric: 'Invocations', stat: 'Sum' },
  { metric: 'ConcurrentExecutions', stat: 'Maximum' },
];
const DURATION_STATS = ['Average', 'Minimum', 'Maximum', 'p1', 'p25', 'p50', 'p75', 'p99'] as const;
export const WHOLE_WINDOW: readonly MetricStatistic[] = DURATION_STATS.map((stat) => ({ metric: 'Duration', stat }));

const MINUTE = 60_000;
const DAY = 86_400_000;

export interface ExportWindow {
  /** Epoch ms, whole minutes. */
  readonly start: number;
  readonly end: number;
}

export interface ExportPlan {
  readonly window: ExportWindow;
  readonly minutes: number;
  readonly perMinute: MetricReadPlan;
  readonly wholeWindow: MetricReadPlan;
  readonly metricsRequested: number;
  readonly calls: number;
  readonly costUsd: number;
}

/** The window: `days` of whole minutes ending at `end`, rounded down to the minute. */
export function exportWindow(endMs: number, days: number): ExportWindow {
  const end = Math.floor(endMs / MINUTE) * MINUTE;
  return { start: end - Math.max(1, Math.round((days * DAY) / MINUTE)) * MINUTE, end };
}

function windows(functions: readonly SelectedFunction[], window: ExportWindow, qualifier: string | undefined) {
  const fns = functions.map((fn) => ({ name: fn.name, ...(qualifier ? { qualifier } : {}) }));
  const perMinute: MetricWindow = { functions: fns, statistics: PER_MINUTE, ...window };
  const wholeWindow: MetricWindow = {
    functions: fns,
    statistics: WHOLE_WINDOW,
    ...window,
    periodSeconds: (window.end - window.start) / 1000,
  };
  return { perMinute, wholeWindow };
}

export function planExport(
  functions: readonly SelectedFunction[],
  window: ExportWindow,
  qualifier: string | undefined,
  options: ReadOptions = {},
): ExportPlan {
  const w = windows(functions, window, qualifier);
  const perMinute = planMetricRead(w.perMinute, options);
  const wholeWindow = planMetricRead(w.wholeWindow, options);
  return {
    window,
    minutes: (window.end - window.start) / MINUTE,
    perMinute,
    wholeWindow,
    metricsRequested: perMinute.metricsRequested + wholeWindow.metricsRequested,
    calls: perMinute.calls + wholeWindow.calls,
    costUsd: perMinute.costUsd + wholeWindow.costUsd,
  };
}

export interface ExportRead {
  readonly perMinute: MinuteMetrics;
  readonly wholeWindow: MinuteMetrics;
  readonly usage: MetricUsage;
}

export async function readExport(
  api: MetricsApi,
  functions: readonly SelectedFunction[],
  window: ExportWindow,
  qualifier: string | undefined,
  options: ReadOptions = {},
): Promise<ExportRead> {
  const w = windows(functions, window, qualifier);
  const perMinute = await readMinuteMetrics(api, w.perMinute, options);
  const wholeWindow = await readMinuteMetrics(api, w.wholeWindow, options);
  const usage = {
    calls: perMinute.usage.calls + wholeWindow.usage.calls,
    metricsRequested: perMinute.usage.metricsRequested + wholeWindow.usage.metricsRequested,
    datapoints: perMinute.usage.datapoints + wholeWindow.usage.datapoints,
  };
  return { perMinute, wholeWindow, usage };
}

/** How names appear in the trace: as they are, or as SHA-256 hashes (HMAC-SHA256 with a salt) like Azure's. */
export type Naming = { readonly kind: 'keep' } | { readonly kind: 'hash'; readonly salt?: string };

export function nameOf(naming: Naming, value: string): string {
  if (naming.kind === 'keep') return value;
  return naming.salt === undefined
    ? createHash('sha256').update(value).digest('hex')
    : createHmac('sha256', naming.salt).update(value).digest('hex');
}

/**
 * The duration row from whole-window statistics, or undefined when the function did not run. p0 and p100 are
 * the exact Minimum and Maximum; CloudWatch's percentiles are estimates, so each is clamped between its
 * neighbours to keep the row non-decreasing, and a missing one takes the value below it.
 */
export function durationSummary(values: ReadonlyMap<string, number>, count: number): DurationSummary | undefined {
  const average = values.get('Average');
  if (average === undefined || count <= 0) return undefined;
  const minimum = values.get('Minimum') ?? average;
  const maximum = Math.max(values.get('Maximum') ?? average, minimum);
  const points = [minimum];
  for (const stat of ['p1', 'p25', 'p50', 'p75', 'p99']) {
    const previous = points[points.length - 1]!;
    points.push(Math.min(maximum, Math.max(previous, values.get(stat) ?? previous)));
  }
  points.push(maximum);
  return {
    average: Math.min(maximum, Math.max(minimum, average)),
    count,
    minimum,
    maximum,
    percentiles: points as unknown as DurationSummary['percentiles'],
  };
}

/** The trace rows: one per function, in the selection's order. */
export function traceRecords(
  functions: readonly SelectedFunction[],
  read: ExportRead,
  naming: Naming,
): TraceFunctionRecord[] {
  const [invocations, concurrency] = PER_MINUTE.map(seriesKey);
  return functions.map((fn, i) => {
    const minute = read.perMinute.functions[i]!.series;
    const calls = minute.get(invocations!)!;
    const total = calls.values.reduce((sum, v) => sum + v, 0);
    const whole = new Map<string, number>();
    for (const statistic of WHOLE_WINDOW) {
      const series = read.wholeWindow.functions[i]!.series.get(seriesKey(statistic));
      if (series && series.values.length > 0) whole.set(statistic.stat, series.values[0]!);
    }
    const durations = durationSummary(whole, total);
    const peaks = minute.get(concurrency!)!;
    return {
      owner: nameOf(naming, fn.accountId),
      // A Lambda function is its own app: its own memory, environments and scaling.
      app: nameOf(naming, fn.name),
      name: nameOf(naming, fn.name),
      invocations: { minutes: calls.periods, values: calls.values.map(Math.round) },
      ...(durations ? { durations } : {}),
      memoryMb: fn.memoryMb,
      concurrency: { minutes: peaks.periods, values: peaks.values },
    };
  });
}

/** Minutes from the UTC midnight of the window's first day to its start: the 2019 format counts from midnight. */
export function firstMinuteOfDay(start: number): number {
  return Math.round((start - Math.floor(start / DAY) * DAY) / MINUTE);
}

/** Dollars with two significant digits below $1, cents above. */
export function formatUsd(usd: number): string {
  if (usd === 0) return '$0';
  return usd >= 1 ? `$${usd.toFixed(2)}` : `$${Number(usd.toPrecision(2))}`;
}
