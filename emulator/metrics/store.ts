/** Statistics CloudWatch computes from 1-minute data, as the emulator keeps them. */
export type Statistic = 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount';
export const STATISTICS: readonly Statistic[] = ['Sum', 'Average', 'Maximum', 'Minimum', 'SampleCount'];

export type Dimensions = Readonly<Record<string, string>>;

interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
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
/** Oldest minute a series keeps: a day of 1-minute data is plenty for a local run. */
const RETENTION_MINUTES = 24 * 60;

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
      const max = Math.max(bucket.max, value);
      Object.assign(bucket, { count: 1, sum: max, min: max, max });
    } else if (bucket) {
      bucket.count += 1;
      bucket.sum += value;
      bucket.min = Math.min(bucket.min, value);
      bucket.max = Math.max(bucket.max, value);
    } else {
      series.buckets.set(minute, { count: 1, sum: value, min: value, max: value });
      if (series.buckets.size > RETENTION_MINUTES) {
        const oldest = series.buckets.keys().next().value;
        if (oldest !== undefined) series.buckets.delete(oldest);
      }
    }
  }

  /** Data points per period, oldest first; periods without data are left out, as CloudWatch does. */
  query(query: MetricQuery): MetricPoint[] {
    const series = this.series.get(seriesKey(query.namespace, query.name, query.dimensions ?? {}));
    if (!series) return [];
    const period = query.periodSeconds * 1000;
    const periods = new Map<number, Bucket>();
    for (const [minute, bucket] of series.buckets) {
      if (minute < query.start || minute >= query.end) continue;
      const start = Math.floor(minute / period) * period;
      const total = periods.get(start);
      if (total) {
        total.count += bucket.count;
        total.sum += bucket.sum;
        total.min = Math.min(total.min, bucket.min);
        total.max = Math.max(total.max, bucket.max);
      } else {
        periods.set(start, { ...bucket });
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
  }
}
