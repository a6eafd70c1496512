/** Statistics CloudWatch computes from 1-minute data, as the emulator keeps them; `p99`, `p99.9`… are percentiles. */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' | `p${number}`;
export const STATISTICS: readonly Statistic[] = ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'];
const PERCENTILE = /^p(\d{1,2}(\.\d{1,10})?|100)$/;

/** Whether CloudWatch would accept `stat` as a statistic the emulator computes (a named one or `pNN`). */
export function isStatistic(stat: unknown): stat is Statistic {
  return typeof stat === 'string' && (STATISTICS.includes(stat as Statistic) || PERCENTILE.test(stat));
}

export type Dimensions = Readonly<Record<string, string>>;

interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  /**
   * Value → how many samples had it, values rounded to 4 significant digits: percentiles stay within 0.05% of the
   * exact ones while a busy minute holds at most a few thousand keys, not one entry per sample.
   */
  values: Map<number, number>;
}

interface Series {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimensions;
  unit: string | undefined;
  /** Minute start (epoch ms) → aggregate of the data points in that minute. */
  readonly buckets: Map<number, Bucket>;
}

export interface MetricQuery {
  readonly namespace: string;
  readonly name: string;
  /** Must equal the series' full dimension set, as in CloudWatch. */
  readonly dimensions?: Dimensions;
  readonly stat: Statistic;
  /** Seconds; a multiple of 60. */
  readonly periodSeconds: number;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
}

export interface MetricPoint {
  /** Epoch ms of the period's start. */
  readonly timestamp: number;
  readonly value: number;
}

export interface MetricSeriesInfo {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: Dimensions;
  readonly unit: string | undefined;
  readonly points: number;
}

const MINUTE = 60_000;
/** Minutes a series keeps: CloudWatch keeps 1-minute data for 15 days. */
const RETENTION_MINUTES = 15 * 24 * 60;

function roundValue(value: number): number {
  return value === 0 ? 0 : Number(value.toPrecision(4));
}

function addValue(values: Map<number, number>, value: number, count: number): void {
  values.set(value, (values.get(value) ?? 0) + count);
}

function seriesKey(namespace: string, name: string, dimensions: Dimensions): string {
  const dims = Object.keys(dimensions)
    .sort()
    .map((key) => `${key}=${dimensions[key]}`)
    .join(',');
  return `${namespace}\u0000${name}\u0000${dims}`;
}

/** Metric data at one-minute resolution, queryable like CloudWatch GetMetricData. */
export class MetricStore {
  private readonly series = new Map<string, Series>();

  record(namespace: string, name: string, dimensions: Dimensions, value: number, at: number, unit?: string): void {
    this.add(namespace, name, dimensions, value, at, unit, false);
  }

  /**
   * A level such as concurrency: Lambda publishes one data point per minute, the minute's maximum, so a
   * minute holds a single sample whatever the number of changes.
   */
  recordGauge(namespace: string, name: string, dimensions: Dimensions, value: number, at: number, unit?: string): void {
    this.add(namespace, name, dimensions, value, at, unit, true);
  }

  private add(
    namespace: string,
    name: string,
    dimensions: Dimensions,
    value: number,
    at: number,
    unit: string | undefined,
    gauge: boolean,
  ): void {
    if (!Number.isFinite(value)) return;
    const key = seriesKey(namespace, name, dimensions);
    let series = this.series.get(key);
    if (!series) {
      series = { namespace, name, dimensions: { ...dimensions }, unit, buckets: new Map() };
      this.series.set(key, series);
    }
    if (unit !== undefined) series.unit = unit;
    const minute = Math.floor(at / MINUTE) * MINUTE;
    const bucket = series.buckets.get(minute);
    if (bucket && gauge) {
      if (value > bucket.max) {
        Object.assign(bucket, { sum: value, min: value, max: value });
        bucket.values.clear();
        bucket.values.set(roundValue(value), 1);
      }
    } else if (bucket) {
      bucket.count += 1;
      bucket.sum += value;
      bucket.min = Math.min(bucket.min, value);
      bucket.max = Math.max(bucket.max, value);
      addValue(bucket.values, roundValue(value), 1);
    } else {
      const values = new Map([[roundValue(value), 1]]);
      series.buckets.set(minute, { count: 1, sum: value, min: value, max: value, values });
      if (series.buckets.size > RETENTION_MINUTES) {
        const oldest = series.buckets.keys().next().value;
        if (oldest !== undefined) series.buckets.delete(oldest);
      }
    }
  }

  /**
   * Data points per period, oldest first; periods without data are left out, as CloudWatch does. As CloudWatch
   * does for data under 15 days old, the start is rounded down to a whole minute and periods count from it.
   */
  query(query: MetricQuery): MetricPoint[] {
    const series = this.series.get(seriesKey(query.namespace, query.name, query.dimensions ?? {}));
    if (!series) return [];
    const period = query.periodSeconds * 1000;
    const from = Math.floor(query.start / MINUTE) * MINUTE;
    const percentile = query.stat.startsWith('p');
    const periods = new Map<number, Bucket>();
    for (const [minute, bucket] of series.buckets) {
      if (minute < from || minute >= query.end) continue;
      const start = from + Math.floor((minute - from) / period) * period;
      const total = periods.get(start);
      if (total) {
        total.count += bucket.count;
        total.sum += bucket.sum;
        total.min = Math.min(total.min, bucket.min);
        total.max = Math.max(total.max, bucket.max);
        if (percentile) for (const [value, count] of bucket.values) addValue(total.values, value, count);
      } else {
        periods.set(start, { ...bucket, values: percentile ? new Map(bucket.values) : bucket.values });
      }
    }
    return [...periods.entries()]
      .sort(([a], [b]) => a - b)
      .map(([timestamp, bucket]) => ({ timestamp, value: statistic(bucket, query.stat) }));
  }

  list(): MetricSeriesInfo[] {
    return [...this.series.values()].map((series) => ({
      namespace: series.namespace,
      name: series.name,
      dimensions: series.dimensions,
      unit: series.unit,
      points: [...series.buckets.values()].reduce((sum, bucket) => sum + bucket.count, 0),
    }));
  }
}

function statistic(bucket: Bucket, stat: Statistic): number {
  switch (stat) {
    case 'Sum':
      return bucket.sum;
    case 'Average':
      return bucket.sum / bucket.count;
    case 'Maximum':
      return bucket.max;
    case 'Minimum':
      return bucket.min;
    case 'SampleCount':
      return bucket.count;
    default:
      return percentileOf(bucket, Number(stat.slice(1)));
  }
}

/**
 * The nearest-rank percentile: the smallest recorded value with at least p% of the samples at or below it; p0 and
 * p100 are the exact minimum and maximum.
 */
function percentileOf(bucket: Bucket, p: number): number {
  if (p <= 0) return bucket.min;
  if (p >= 100) return bucket.max;
  const rank = Math.max(1, Math.ceil((p / 100) * bucket.count));
  let seen = 0;
  for (const value of [...bucket.values.keys()].sort((a, b) => a - b)) {
    seen += bucket.values.get(value)!;
    if (seen >= rank) return Math.min(bucket.max, Math.max(bucket.min, value));
  }
  return bucket.max;
}
