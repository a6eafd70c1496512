import type { GetMetricDataOutput, MetricDataQuery } from '@aws-sdk/client-cloudwatch';
import type { MetricsApi } from '../aws/ports';
import { GET_METRIC_DATA_PER_METRIC } from '../cost';

/**
 * Per-function metric series from CloudWatch GetMetricData, read in as few billed metrics as the question needs.
 * GetMetricData bills every metric a call requests ($0.01 per 1,000), whatever the number of data points, so the
 * reader counts what it requested for the caller to bill, sizes each call so its answer fits one page (a call of
 * q queries over P periods returns at most q × P points; CloudWatch pages past 100,800), and follows NextToken
 * when an answer is paged anyway.
 */

/** A Lambda function, optionally one alias or version of it (CloudWatch's `Resource` dimension). */
export interface MetricFunction {
  readonly name: string;
  readonly qualifier?: string;
}

/** One statistic of one metric: `Sum`, `Average`, `Maximum`, `Minimum`, `SampleCount` or a percentile `p99`. */
export interface MetricStatistic {
  readonly metric: string;
  readonly stat: string;
  /** @default 'AWS/Lambda' */
  readonly namespace?: string;
}

export interface MetricWindow {
  readonly functions: readonly MetricFunction[];
  readonly statistics: readonly MetricStatistic[];
  /** Epoch ms, inclusive; rounded down to a whole minute, as CloudWatch does. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  /** Seconds per data point, a multiple of 60. @default 60 */
  readonly periodSeconds?: number;
}

/** Data points of one series, oldest first; periods without data are absent (Lambda publishes nothing then). */
export interface MetricSeries {
  /** Index of each point's period from the window's start. */
  readonly periods: Int32Array;
  readonly values: Float64Array;
}

export interface FunctionMetrics {
  readonly function: MetricFunction;
  /** Series by `seriesKey(statistic)`. */
  readonly series: ReadonlyMap<string, MetricSeries>;
}

/** What reading cost: GetMetricData bills `metricsRequested`; `calls` counts every page. */
export interface MetricUsage {
  readonly calls: number;
  readonly metricsRequested: number;
  readonly datapoints: number;
}

export interface MinuteMetrics {
  /** The window's start after rounding, epoch ms. */
  readonly start: number;
  readonly periodMs: number;
  /** Number of periods in the window. */
  readonly periods: number;
  readonly functions: readonly FunctionMetrics[];
  readonly usage: MetricUsage;
  /** Series CloudWatch answered only in part (StatusCode PartialData with no further page), as `function series`. */
  readonly incomplete: readonly string[];
}

export interface ReadOptions {
  /** Queries per call, at most 500 (CloudWatch's limit). @default 500 */
  readonly maxQueriesPerCall?: number;
  /** Data points one answer may hold before CloudWatch pages it. @default 100800 */
  readonly maxDatapoints?: number;
  /** Paces the calls (GetMetricData allows 50 per second and a few hundred thousand data points per second). */
  readonly limiter?: { take(): Promise<void> };
  /** Called after each call with the running count, e.g. for a progress line. */
  readonly onCall?: (usage: MetricUsage, plannedCalls: number) => void;
}

/** The plan of a read, known before any call: what it will request and cost. */
export interface MetricReadPlan {
  readonly queries: number;
  readonly calls: number;
  readonly queriesPerCall: number;
  readonly periods: number;
  readonly metricsRequested: number;
  readonly costUsd: number;
}

/** A GetMetricData call failed or answered with an error status. */
export class MetricReadError extends Error {
  override readonly name = 'MetricReadError';
}

export const MAX_QUERIES_PER_CALL = 500;
export const MAX_DATAPOINTS_PER_CALL = 100_800;
const MINUTE = 60_000;

export const seriesKey = (statistic: MetricStatistic): string =>
  `${statistic.namespace ?? 'AWS/Lambda'}/${statistic.metric}:${statistic.stat}`;

function windowOf(window: MetricWindow) {
  const periodSeconds = window.periodSeconds ?? 60;
  if (!Number.isInteger(periodSeconds) || periodSeconds < 60 || periodSeconds % 60 !== 0) {
    throw new RangeError(`periodSeconds must be a multiple of 60, got ${periodSeconds}`);
  }
  const start = Math.floor(window.start / MINUTE) * MINUTE;
  if (!(window.end > start)) throw new RangeError('the window must end after it starts');
  const periodMs = periodSeconds * 1000;
  return { start, periodSeconds, periodMs, periods: Math.ceil((window.end - start) / periodMs) };
}

/** How many calls and billed metrics a read takes, before making any. */
export function planMetricRead(window: MetricWindow, options: ReadOptions = {}): MetricReadPlan {
  const { periods } = windowOf(window);
  const queries = window.functions.length * window.statistics.length;
  const maxDatapoints = Math.min(options.maxDatapoints ?? MAX_DATAPOINTS_PER_CALL, MAX_DATAPOINTS_PER_CALL);
  const queriesPerCall = Math.max(
    1,
    Math.min(
      options.maxQueriesPerCall ?? MAX_QUERIES_PER_CALL,
      MAX_QUERIES_PER_CALL,
      Math.floor(maxDatapoints / periods),
    ),
  );
  const calls = Math.ceil(queries / queriesPerCall);
  return {
    queries,
    calls,
    queriesPerCall,
    periods,
    metricsRequested: queries,
    costUsd: queries * GET_METRIC_DATA_PER_METRIC,
  };
}

function dimensions(fn: MetricFunction) {
  const base = [{ Name: 'FunctionName', Value: fn.name }];
  return fn.qualifier === undefined || fn.qualifier === '$LATEST'
    ? base
    : [...base, { Name: 'Resource', Value: `${fn.name}:${fn.qualifier}` }];
}

/** Points of one series as they arrive: typed arrays grown by doubling, 12 bytes a point. */
class Collected {
  periods = new Int32Array(0);
  values = new Float64Array(0);
  length = 0;

  push(period: number, value: number): void {
    if (this.length === this.periods.length) {
      const size = Math.max(16, this.length * 2);
      const periods = new Int32Array(size);
      periods.set(this.periods);
      const values = new Float64Array(size);
      values.set(this.values);
      this.periods = periods;
      this.values = values;
    }
    this.periods[this.length] = period;
    this.values[this.length] = value;
    this.length++;
  }

  /** The series in period order (pages and CloudWatch's own order may interleave), trimmed to its length. */
  series(): MetricSeries {
    const periods = this.periods.subarray(0, this.length);
    const values = this.values.subarray(0, this.length);
    let sorted = true;
    for (let k = 1; k < periods.length && sorted; k++) sorted = periods[k - 1] <= periods[k];
    if (sorted) return { periods: periods.slice(), values: values.slice() };
    const order = Array.from(periods, (_, k) => k).sort((a, b) => periods[a] - periods[b]);
    return { periods: Int32Array.from(order, (k) => periods[k]), values: Float64Array.from(order, (k) => values[k]) };
  }
}

/** One query of a read: a statistic of a function. */
interface Query {
  readonly fn: MetricFunction;
  readonly f: number;
  readonly statistic: MetricStatistic;
  readonly s: number;
}

/** The GetMetricData queries of one call; each Id is `m<index in the batch>`. */
function queriesOf(batch: readonly Query[], periodSeconds: number): MetricDataQuery[] {
  return batch.map(({ fn, statistic }, i) => ({
    Id: `m${i}`,
    MetricStat: {
      Metric: {
        Namespace: statistic.namespace ?? 'AWS/Lambda',
        MetricName: statistic.metric,
        Dimensions: dimensions(fn),
      },
      Period: periodSeconds,
      Stat: statistic.stat,
    },
    ReturnData: true,
  }));
}

/**
 * Adds one answer page's data points to the batch's series (`into[i]` for query `m<i>`), marks the series the page
 * calls partial, and returns the number of data points; a failed series throws MetricReadError.
 */
function collectPage(
  answer: GetMetricDataOutput,
  batch: readonly Query[],
  into: readonly Collected[],
  partial: Set<number>,
  { start, periodMs }: { readonly start: number; readonly periodMs: number },
): number {
  let datapoints = 0;
  for (const result of answer.MetricDataResults ?? []) {
    const i = Number(result.Id?.slice(1));
    const entry = batch[i];
    if (!entry || `m${i}` !== result.Id) continue;
    if (result.StatusCode !== 'Complete' && result.StatusCode !== 'PartialData') {
      throw new MetricReadError(
        `GetMetricData answered ${result.StatusCode} for ${entry.fn.name} ${seriesKey(entry.statistic)}: ${(result.Messages ?? []).map((m) => m.Value).join('; ')}`,
      );
    }
    if (result.StatusCode === 'PartialData') partial.add(i);
    const timestamps = result.Timestamps ?? [];
    const values = result.Values ?? [];
    for (let k = 0; k < Math.min(timestamps.length, values.length); k++) {
      into[i]!.push(Math.round((timestamps[k].getTime() - start) / periodMs), values[k]);
    }
    datapoints += values.length;
  }
  return datapoints;
}

/**
 * Reads every statistic of every function over the window. Calls go out one at a time, paced by the limiter; an
 * answer paged behind NextToken is followed, and each page counts as a call that requested its metrics again.
 */
export async function readMinuteMetrics(
  api: MetricsApi,
  window: MetricWindow,
  options: ReadOptions = {},
): Promise<MinuteMetrics> {
  const { start, periodSeconds, periodMs, periods } = windowOf(window);
  const plan = planMetricRead(window, options);
  const all: Query[] = window.functions.flatMap((fn, f) =>
    window.statistics.map((statistic, s) => ({ fn, f, statistic, s })),
  );
  const collected = all.map(() => new Collected());
  const incomplete: string[] = [];
  let calls = 0;
  let metricsRequested = 0;
  let datapoints = 0;

  for (let first = 0; first < all.length; first += plan.queriesPerCall) {
    const batch = all.slice(first, first + plan.queriesPerCall);
    const queries = queriesOf(batch, periodSeconds);
    // Only the last page says whether a series ended complete.
    let partial = new Set<number>();
    let token: string | undefined;
    do {
      partial = new Set<number>();
      await options.limiter?.take();
      let answer: GetMetricDataOutput;
      try {
        answer = await api.getMetricData({
          MetricDataQueries: queries,
          StartTime: new Date(start),
          EndTime: new Date(window.end),
          ScanBy: 'TimestampAscending',
          ...(options.maxDatapoints !== undefined ? { MaxDatapoints: options.maxDatapoints } : {}),
          ...(token ? { NextToken: token } : {}),
        });
      } catch (error) {
        throw new MetricReadError(
          `GetMetricData failed for queries ${first + 1}-${first + batch.length} of ${all.length}: ${(error as Error).message}`,
          { cause: error },
        );
      }
      calls++;
      metricsRequested += queries.length;
      datapoints += collectPage(answer, batch, collected.slice(first, first + batch.length), partial, {
        start,
        periodMs,
      });
      token = answer.NextToken;
      options.onCall?.({ calls, metricsRequested, datapoints }, plan.calls);
    } while (token);
    for (const i of partial) incomplete.push(`${batch[i].fn.name} ${seriesKey(batch[i].statistic)}`);
  }

  const functions: FunctionMetrics[] = window.functions.map((fn) => ({ function: fn, series: new Map() }));
  all.forEach(({ f, statistic }, q) => {
    (functions[f].series as Map<string, MetricSeries>).set(seriesKey(statistic), collected[q].series());
    // Release the growth buffer now rather than with the whole read.
    collected[q] = new Collected();
  });
  return { start, periodMs, periods, functions, usage: { calls, metricsRequested, datapoints }, incomplete };
}

/** A series as one value per period, `fill` where CloudWatch had no data point. */
export function denseSeries(series: MetricSeries | undefined, periods: number, fill = 0): Float64Array {
  const out = new Float64Array(periods).fill(fill);
  if (!series) return out;
  for (let k = 0; k < series.periods.length; k++) {
    const at = series.periods[k];
    if (at >= 0 && at < periods) out[at] = series.values[k];
  }
  return out;
}
