import { AwsError } from '../errors';
import { isRecord } from '../http/json-body';
import { type HttpResponse, json } from '../http/server';
import { isStatistic, type MetricStore, STATISTICS } from './store';

// CloudWatch's JSON protocol is awsJson1_0 with awsQuery-compatible errors: the SDK finds the typed exception
// through the `x-amzn-query-error: <Code>;Sender` header.
function invalidParameter(message: string): AwsError {
  return new AwsError(
    'InvalidParameterValueException',
    message,
    400,
    {},
    {
      'x-amzn-query-error': 'InvalidParameterValue;Sender',
    },
  );
}

/** A timestamp as the JSON protocols send it: epoch seconds (or an ISO string, which some callers use). */
function epochMs(value: unknown, field: string): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw invalidParameter(`The parameter ${field} must be a timestamp.`);
}

interface QueryResult {
  Id: string;
  Label: string;
  Timestamps: number[];
  Values: number[];
  StatusCode: 'Complete' | 'PartialData';
}

/** CloudWatch's default and largest answer: 100,800 data points per call, the rest behind NextToken. */
const MAX_DATAPOINTS = 100_800;

function pageOffset(token: unknown): number {
  if (token === undefined || token === null) return 0;
  const offset = typeof token === 'string' ? Number(Buffer.from(token, 'base64url').toString('utf8')) : Number.NaN;
  if (!Number.isInteger(offset) || offset <= 0) throw invalidParameter('The parameter NextToken is not valid.');
  return offset;
}

/** CloudWatch GetMetricData over the emulator's 1-minute metric store. */
export class CloudWatch {
  constructor(private readonly store: MetricStore) {}

  handle(operation: string, body: Buffer): HttpResponse {
    if (operation !== 'GetMetricData') {
      throw new AwsError(
        'UnknownOperationException',
        `The emulator does not implement GraniteServiceVersion20100801.${operation}`,
        400,
      );
    }
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch (error) {
      throw invalidParameter(`Could not parse the request: ${(error as Error).message}`);
    }
    if (!isRecord(input)) throw invalidParameter('The request must be a JSON object.');
    const start = epochMs(input.StartTime, 'StartTime');
    const end = epochMs(input.EndTime, 'EndTime');
    if (end <= start) throw invalidParameter('The parameter StartTime must be less than the parameter EndTime.');
    const queries = input.MetricDataQueries;
    if (!Array.isArray(queries) || queries.length === 0 || queries.length > 500) {
      throw invalidParameter('The parameter MetricDataQueries must contain 1 to 500 queries.');
    }
    const descending = input.ScanBy !== 'TimestampAscending';
    const maxDatapoints = input.MaxDatapoints ?? MAX_DATAPOINTS;
    if (typeof maxDatapoints !== 'number' || !Number.isInteger(maxDatapoints) || maxDatapoints < 1) {
      throw invalidParameter('The parameter MaxDatapoints must be a whole number of at least 1.');
    }
    const offset = pageOffset(input.NextToken);
    const seen = new Set<string>();
    const results: QueryResult[] = [];
    for (const query of queries) {
      const result = this.query(query, start, end, seen);
      if (isRecord(query) && query.ReturnData === false) continue;
      if (descending) {
        result.Timestamps.reverse();
        result.Values.reverse();
      }
      results.push(result);
    }
    // One page holds MaxDatapoints points of the queries taken in order; every query is listed on every page, and
    // one whose points continue on a later page says PartialData.
    let before = 0;
    const page = offset + Math.min(maxDatapoints, MAX_DATAPOINTS);
    for (const result of results) {
      const from = Math.min(result.Values.length, Math.max(0, offset - before));
      const to = Math.min(result.Values.length, Math.max(0, page - before));
      if (to < result.Values.length) result.StatusCode = 'PartialData';
      before += result.Values.length;
      result.Timestamps = result.Timestamps.slice(from, to);
      result.Values = result.Values.slice(from, to);
    }
    const next = before > page ? { NextToken: Buffer.from(String(page)).toString('base64url') } : {};
    return json(200, { MetricDataResults: results, Messages: [], ...next }, 'application/x-amz-json-1.0');
  }

  private query(query: unknown, start: number, end: number, seen: Set<string>): QueryResult {
    if (!isRecord(query) || typeof query.Id !== 'string' || !/^[a-z][a-zA-Z0-9_]*$/.test(query.Id)) {
      throw invalidParameter('Each query needs an Id that starts with a lower-case letter (letters, digits, _).');
    }
    if (seen.has(query.Id)) throw invalidParameter(`The Id ${query.Id} is used by more than one query.`);
    seen.add(query.Id);
    if (query.Expression !== undefined) {
      throw invalidParameter(`Query ${query.Id}: the emulator answers MetricStat queries only, not Expression.`);
    }
    const stat = query.MetricStat;
    const metric = isRecord(stat) ? stat.Metric : undefined;
    if (
      !isRecord(stat) ||
      !isRecord(metric) ||
      typeof metric.Namespace !== 'string' ||
      typeof metric.MetricName !== 'string'
    ) {
      throw invalidParameter(`Query ${query.Id}: MetricStat with Metric.Namespace and Metric.MetricName is required.`);
    }
    const period = stat.Period;
    if (typeof period !== 'number' || period < 60 || period % 60 !== 0) {
      throw invalidParameter(
        `Query ${query.Id}: Period must be a multiple of 60 seconds (the emulator keeps 1-minute data).`,
      );
    }
    if (!isStatistic(stat.Stat)) {
      throw invalidParameter(
        `Query ${query.Id}: Stat must be one of ${STATISTICS.join(', ')} or a percentile p0-p100.`,
      );
    }
    const dimensions: Record<string, string> = {};
    for (const dimension of Array.isArray(metric.Dimensions) ? metric.Dimensions : []) {
      if (!isRecord(dimension) || typeof dimension.Name !== 'string' || typeof dimension.Value !== 'string') {
        throw invalidParameter(`Query ${query.Id}: each dimension needs a Name and a Value.`);
      }
      dimensions[dimension.Name] = dimension.Value;
    }
    const points = this.store.query({
      namespace: metric.Namespace,
      name: metric.MetricName,
      dimensions,
      stat: stat.Stat,
      periodSeconds: period,
      start,
      end,
    });
    return {
      Id: query.Id,
      Label: typeof query.Label === 'string' ? query.Label : metric.MetricName,
      Timestamps: points.map((p) => p.timestamp / 1000),
      Values: points.map((p) => p.value),
      StatusCode: 'Complete',
    };
  }
}
